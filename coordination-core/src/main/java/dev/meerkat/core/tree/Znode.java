package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.Stat;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One node of the tree. Mutable, and touched only by the thread that owns the {@link DataTree}:
 * that single writer is what makes apply deterministic and reads consistent without locks.
 */
public final class Znode {
    byte[] data;
    List<Acl> acl;
    final long czxid;
    final long ctime;
    long mzxid;
    long mtime;
    int version;
    int cversion;
    int aversion;
    final long ephemeralOwner;
    long pzxid;
    /** In the order the names were added: what {@link ChildOrder} needs to list them as ZooKeeper does. */
    private LinkedHashSet<String> children;
    /** The size ZooKeeper's hash table of these children would have now (it never shrinks). */
    private int childCapacity;
    /** The children in ZooKeeper's order, shared by every reader until they change. */
    private List<String> ordered;
    /** This node's term in the tree digest, kept by {@link TreeCounters}. */
    long digest;

    Znode(byte[] data, List<Acl> acl, long zxid, long time, long ephemeralOwner) {
        this.data = data;
        this.acl = acl;
        this.czxid = zxid;
        this.mzxid = zxid;
        this.pzxid = zxid;
        this.ctime = time;
        this.mtime = time;
        this.ephemeralOwner = ephemeralOwner;
    }

    /** Restores a node exactly as a snapshot recorded it. */
    Znode(byte[] data, List<Acl> acl, Stat s) {
        this.data = data;
        this.acl = acl;
        this.czxid = s.czxid();
        this.ctime = s.ctime();
        this.mzxid = s.mzxid();
        this.mtime = s.mtime();
        this.version = s.version();
        this.cversion = s.cversion();
        this.aversion = s.aversion();
        this.ephemeralOwner = s.ephemeralOwner();
        this.pzxid = s.pzxid();
    }

    public byte[] data() {
        return data;
    }

    public List<Acl> acl() {
        return acl;
    }

    public long ephemeralOwner() {
        return ephemeralOwner;
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

    public Set<String> children() {
        return children == null ? Collections.emptySet() : Collections.unmodifiableSet(children);
    }

    public int childCount() {
        return children == null ? 0 : children.size();
    }

    /**
     * The children in the order ZooKeeper's getChildren gives them (see {@link ChildOrder}). The
     * list is immutable and shared until the children change, so many readers of a large list hold
     * one copy between them.
     */
    public List<String> childrenInZooKeeperOrder() {
        if (children == null) return List.of();
        List<String> o = ordered;
        if (o == null) {
            o = Collections.unmodifiableList(ChildOrder.order(children, childCapacity));
            ordered = o;
        }
        return o;
    }

    void addChild(String name) {
        if (children == null) children = new LinkedHashSet<>(4);
        if (children.add(name)) {
            childCapacity = ChildOrder.capacityFor(childCapacity, children.size());
            ordered = null;
        }
    }

    /** Puts the children in a new added-order (after a snapshot load); the table keeps only what the count needs. */
    void reorderChildren(List<String> namesInAddedOrder) {
        children = new LinkedHashSet<>(namesInAddedOrder);
        childCapacity = ChildOrder.capacityFor(0, children.size());
        ordered = null;
    }

    void removeChild(String name) {
        if (children != null && children.remove(name)) ordered = null;
    }

    /** Fields a snapshot keeps, packed as 8 longs at {@code offset}: see {@code SnapshotImage}. */
    public void copyStat(long[] out, int offset) {
        out[offset] = czxid;
        out[offset + 1] = mzxid;
        out[offset + 2] = ctime;
        out[offset + 3] = mtime;
        out[offset + 4] = ((long) version << 32) | (cversion & 0xffffffffL);
        out[offset + 5] = aversion;
        out[offset + 6] = ephemeralOwner;
        out[offset + 7] = pzxid;
    }

    public Stat stat() {
        return new Stat(czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner,
                data == null ? 0 : data.length, childCount(), pzxid);
    }
}
