package dev.meerkat.core.snapshot;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.Stat;
import dev.meerkat.core.state.Session;

import java.util.List;

/**
 * The replicated state frozen at one zxid, made of values the tree thread never mutates afterwards
 * (data arrays and ACL lists are replaced, not changed, on write). Capturing it is one pass over the
 * tree on the tree thread; ordering and encoding it happen on the snapshot thread.
 */
public record SnapshotImage(long lastApplied, long lastAppliedTerm, List<Session> sessions, NodeImage[] nodes) {

    /** One znode as it was: path, data, ACL and Stat. */
    public record NodeImage(String path, byte[] data, List<Acl> acl, Stat stat) {
    }
}
