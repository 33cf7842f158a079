package dev.meerkat.core.snapshot;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.state.Session;

import java.util.List;

/**
 * The replicated state frozen at one zxid, made of values the tree thread never mutates afterwards
 * (data arrays and ACL lists are replaced, not changed, on write). Kept as parallel arrays, so the
 * capture on the tree thread allocates a handful of arrays rather than objects per node: that
 * capture is the only part of a snapshot that pauses the tree.
 *
 * <p>{@code stats} holds 8 longs per node: czxid, mzxid, ctime, mtime, version (high 32 bits) and
 * cversion (low 32 bits), aversion, ephemeralOwner, pzxid.
 */
public record SnapshotImage(long lastApplied, long lastAppliedTerm, List<Session> sessions,
                            String[] paths, byte[][] data, List<Acl>[] acls, long[] stats) {
    static final int STAT_LONGS = 8;

    public int nodeCount() {
        return paths.length;
    }
}
