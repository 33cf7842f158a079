package dev.meerkat.core.snapshot;

import dev.meerkat.core.state.Session;
import dev.meerkat.core.tree.TreeCapture;

import java.util.List;

/**
 * The replicated state frozen at one zxid, made of values the tree thread never mutates afterwards
 * (data arrays and ACL lists are replaced, not changed, on write): the sessions, and every node in
 * preorder as {@link TreeCapture} chunks.
 */
public record SnapshotImage(long lastApplied, long lastAppliedTerm, List<Session> sessions, List<TreeCapture.Chunk> chunks) {
    public long nodeCount() {
        long n = 0;
        for (TreeCapture.Chunk c : chunks) n += c.size;
        return n;
    }
}
