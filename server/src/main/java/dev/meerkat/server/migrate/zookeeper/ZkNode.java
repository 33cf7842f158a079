package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.core.api.Acl;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * One znode exactly as ZooKeeper persists it ({@code DataNode}: data, ACL, {@code StatPersisted}).
 * Note {@link #cversion}: ZooKeeper stores the number of child <em>creations</em> and reports
 * {@code 2 * cversion - numChildren} to clients; Meerkat stores the reported value.
 */
public final class ZkNode {
    byte[] data;
    List<Acl> acl;
    long czxid;
    long mzxid;
    long ctime;
    long mtime;
    int version;
    int cversion;
    int aversion;
    long ephemeralOwner;
    long pzxid;
    /** Child name → child: the walk parents first then needs no lookup by path. */
    private Map<String, ZkNode> children;

    ZkNode(byte[] data, List<Acl> acl) {
        this.data = data;
        this.acl = acl;
    }

    public byte[] data() {
        return data;
    }

    public List<Acl> acl() {
        return acl;
    }

    public long czxid() {
        return czxid;
    }

    public long mzxid() {
        return mzxid;
    }

    public long ctime() {
        return ctime;
    }

    public long mtime() {
        return mtime;
    }

    public int version() {
        return version;
    }

    /** ZooKeeper's stored cversion: how many children were ever created under this node. */
    public int storedCversion() {
        return cversion;
    }

    /** The cversion a client sees (and Meerkat stores): creations plus deletions of children. */
    public int reportedCversion() {
        return cversion * 2 - childCount();
    }

    public int aversion() {
        return aversion;
    }

    public long ephemeralOwner() {
        return ephemeralOwner;
    }

    public long pzxid() {
        return pzxid;
    }

    public Set<String> children() {
        return children == null ? Collections.emptySet() : Collections.unmodifiableSet(children.keySet());
    }

    /** The children with their names, in no particular order; null when there are none. */
    Map<String, ZkNode> childNodes() {
        return children;
    }

    public int childCount() {
        return children == null ? 0 : children.size();
    }

    void addChild(String name, ZkNode child) {
        if (children == null) children = new HashMap<>(4);
        children.put(name, child);
    }

    void removeChild(String name) {
        if (children != null) children.remove(name);
    }
}
