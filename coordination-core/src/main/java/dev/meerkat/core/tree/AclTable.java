package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every distinct ACL list of the tree, once, with the number of nodes using it (ZooKeeper's
 * ReferenceCountedACLCache, without the numbering). A tree holds a handful of distinct lists, so
 * sharing them saves a list, an Acl and an AuthId with two strings per node; a list no node uses
 * any more is dropped, so clients inventing ACLs cannot make the table grow past the tree.
 */
final class AclTable {
    private static final class Entry {
        final List<Acl> acl;
        long uses;

        Entry(List<Acl> acl) {
            this.acl = acl;
        }
    }

    private final Map<List<Acl>, Entry> entries = new HashMap<>();
    /**
     * The same entries by the shared list's identity. A list's own hash walks its ACLs, records and
     * strings on every call; a delete, and a create that brings a list {@link #intern} handed out
     * (a shared constant such as the open ACL), find their entry by the reference instead.
     */
    private final Map<List<Acl>, Entry> byIdentity = new IdentityHashMap<>();

    /** The shared list equal to {@code acl}, counting one more use. */
    List<Acl> intern(List<Acl> acl) {
        Entry e = byIdentity.get(acl);
        if (e == null) e = entries.get(acl);
        if (e == null) {
            // The open ACL is kept as the shared constant, however it came (a snapshot, a client):
            // every plain create then finds it by identity.
            e = new Entry(acl.equals(Acl.OPEN_ACL_UNSAFE) ? Acl.OPEN_ACL_UNSAFE : List.copyOf(acl));
            entries.put(e.acl, e);
            byIdentity.put(e.acl, e);
        }
        e.uses++;
        return e.acl;
    }

    /** One use fewer of a list {@link #intern} returned. */
    void release(List<Acl> acl) {
        Entry e = byIdentity.get(acl);
        if (e == null) throw new IllegalStateException("ACL list not from this tree: " + acl);
        if (--e.uses == 0) {
            entries.remove(e.acl);
            byIdentity.remove(e.acl);
        }
    }

    int size() {
        return entries.size();
    }

    void clear() {
        entries.clear();
        byIdentity.clear();
    }
}
