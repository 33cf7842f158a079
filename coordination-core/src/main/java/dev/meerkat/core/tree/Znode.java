package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.Stat;

import java.util.List;

/**
 * One node of the tree. Mutable, and touched only by the thread that owns the {@link DataTree}:
 * that single writer is what makes apply deterministic and reads consistent without locks.
 *
 * <p>Compact on purpose (88 bytes with compressed references; ZooKeeper's node, its stat object,
 * its path key and its name in the parent's set take about 300): the node holds its own name, not
 * its path; its children are the child nodes themselves in a {@link ChildTable}; ACL lists are
 * shared through the tree's {@link AclTable}; the digest term is the 32-bit CRC it is.
 */
public class Znode {
    /** The last segment of the path, UTF-8; empty for the root. Never changes. */
    final byte[] name;
    byte[] data;
    List<Acl> acl;
    final long czxid;
    final long ctime;
    long mzxid;
    long mtime;
    long pzxid;
    int version;
    int cversion;
    int aversion;
    /** This node's term in the tree digest (a CRC32), kept by {@link TreeCounters}. */
    int digest;
    /** The number of the last snapshot capture that recorded this node ({@link TreeCapture}). */
    int captured;
    /** Null until the first child arrives. */
    ChildTable children;

    /** A new node; one with an owner (session, container or TTL) carries it in an {@link Owned}. */
    static Znode of(byte[] name, byte[] data, List<Acl> acl, long zxid, long time, long ephemeralOwner) {
        return ephemeralOwner == 0 ? new Znode(name, data, acl, zxid, time) : new Owned(name, data, acl, zxid, time, ephemeralOwner);
    }

    /** A node exactly as a snapshot recorded it. */
    static Znode restored(byte[] name, byte[] data, List<Acl> acl, long czxid, long mzxid, long ctime, long mtime, int version,
                          int cversion, int aversion, long ephemeralOwner, long pzxid) {
        Znode z = ephemeralOwner == 0 ? new Znode(name, data, acl, czxid, ctime) : new Owned(name, data, acl, czxid, ctime, ephemeralOwner);
        z.mzxid = mzxid;
        z.mtime = mtime;
        z.version = version;
        z.cversion = cversion;
        z.aversion = aversion;
        z.pzxid = pzxid;
        return z;
    }

    /**
     * A node with an ephemeral owner, container or TTL marker: few of a tree's nodes, so the other
     * nodes do not carry the 8 bytes.
     */
    private static final class Owned extends Znode {
        private final long ephemeralOwner;

        Owned(byte[] name, byte[] data, List<Acl> acl, long zxid, long time, long ephemeralOwner) {
            super(name, data, acl, zxid, time);
            this.ephemeralOwner = ephemeralOwner;
        }

        @Override
        public long ephemeralOwner() {
            return ephemeralOwner;
        }
    }

    private Znode(byte[] name, byte[] data, List<Acl> acl, long zxid, long time) {
        this.name = name;
        this.data = data;
        this.acl = acl;
        this.czxid = zxid;
        this.mzxid = zxid;
        this.pzxid = zxid;
        this.ctime = time;
        this.mtime = time;
    }

    public byte[] data() {
        return data;
    }

    public List<Acl> acl() {
        return acl;
    }

    /** The owning session, or a container or TTL marker (see {@code ZnodeType}); 0 for most nodes. */
    public long ephemeralOwner() {
        return 0;
    }

    public long czxid() {
        return czxid;
    }

    public long ctime() {
        return ctime;
    }

    public long mtime() {
        return mtime;
    }

    public int cversion() {
        return cversion;
    }

    public int version() {
        return version;
    }

    public int aversion() {
        return aversion;
    }

    public long mzxid() {
        return mzxid;
    }

    public long pzxid() {
        return pzxid;
    }

    /** This node's name (the last segment of its path; "" for the root). */
    public String name() {
        return Names.decode(name);
    }

    /**
     * The children's names in the order ZooKeeper's getChildren gives them (see {@link ChildTable}),
     * as a new list.
     */
    public List<String> children() {
        return children == null ? List.of() : children.namesInZooKeeperOrder();
    }

    /** Same as {@link #children()}: the name the wire layer asks by. */
    public List<String> childrenInZooKeeperOrder() {
        return children();
    }

    public int childCount() {
        return children == null ? 0 : children.size();
    }

    /** The child called {@code name}, or null. */
    public Znode child(String name) {
        return children == null ? null : children.get(name, 0, name.length());
    }

    Znode child(String path, int from, int to) {
        return children == null ? null : children.get(path, from, to);
    }

    void addChild(Znode child) {
        if (children == null) children = new ChildTable();
        children.add(child);
    }

    void removeChild(Znode child) {
        if (children == null || !children.remove(child)) throw new IllegalStateException("not a child: " + child.name());
    }

    /** Fields a snapshot keeps, packed as 8 longs at {@code offset}: see {@code SnapshotImage}. */
    public void copyStat(long[] out, int offset) {
        out[offset] = czxid;
        out[offset + 1] = mzxid;
        out[offset + 2] = ctime;
        out[offset + 3] = mtime;
        out[offset + 4] = ((long) version << 32) | (cversion & 0xffffffffL);
        out[offset + 5] = aversion;
        out[offset + 6] = ephemeralOwner();
        out[offset + 7] = pzxid;
    }

    public Stat stat() {
        return new Stat(czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner(),
                data == null ? 0 : data.length, childCount(), pzxid);
    }
}
