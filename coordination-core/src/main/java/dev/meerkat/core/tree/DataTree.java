package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.api.Stat;
import dev.meerkat.core.api.ZnodeType;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The znode tree and its indexes (ephemerals per session, containers, TTL nodes). Mutations keep
 * ZooKeeper's Stat rules: a child create or delete bumps the parent's cversion and pzxid only.
 *
 * <p>While a journal is open every mutation records its inverse, so a failed multi can be rolled
 * back to exactly the state before it.
 */
public final class DataTree {
    public static final String CONFIG_PATH = "/zookeeper/config";
    private final Map<String, Znode> nodes = new HashMap<>();
    private final Map<Long, NavigableSet<String>> ephemerals = new HashMap<>();
    private final NavigableSet<String> containers = new TreeSet<>();
    private final NavigableSet<String> ttlNodes = new TreeSet<>();
    private final TreeCounters counters = new TreeCounters();
    private ArrayDeque<Runnable> journal;

    public DataTree() {
        // ZooKeeper's own system nodes, with all-zero stats, exactly as a fresh ZooKeeper has them.
        nodes.put("/", new Znode(new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 0, 0));
        put("/zookeeper", new Znode(new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 0, 0));
        put("/zookeeper/quota", new Znode(new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 0, 0));
        put("/zookeeper/config", new Znode(new byte[0], List.of(new Acl(Perms.READ, AuthId.ANYONE)), 0, 0, 0));
        // ZooKeeper adds these children without counting them as creates, so it reports a cversion
        // of 0 - numChildren for their parents; /zookeeper/config carries aversion -1.
        nodes.get("/").cversion = -1;
        nodes.get("/zookeeper").cversion = -2;
        nodes.get("/zookeeper/config").aversion = -1;
        nodes.forEach(counters::add);
    }

    /** An empty tree with no nodes at all, for loading a snapshot into. */
    public static DataTree empty() {
        DataTree t = new DataTree();
        t.nodes.clear();
        t.counters.reset();
        return t;
    }

    private void put(String path, Znode node) {
        nodes.put(path, node);
        if (!path.equals("/")) nodes.get(PathRules.parent(path)).addChild(PathRules.name(path));
    }

    public Znode get(String path) {
        return nodes.get(path);
    }

    public int size() {
        return nodes.size();
    }

    /** ZooKeeper's approximate data size: path length plus data length, summed over every node. O(1). */
    public long approximateDataSize() {
        return counters.approximateDataSize();
    }

    /** Ephemeral nodes owned by sessions (not containers or TTL nodes). O(1). */
    public int ephemeralCount() {
        return counters.ephemerals();
    }

    /** ZooKeeper's tree digest (its DigestCalculator, version {@link #digestVersion()}). O(1). */
    public long digest() {
        return counters.digest();
    }

    public static int digestVersion() {
        return TreeCounters.digestVersion();
    }

    public Set<String> paths() {
        return Collections.unmodifiableSet(nodes.keySet());
    }

    /** Visits every node without looking paths up: how a snapshot captures the tree quickly. */
    public void forEachNode(java.util.function.BiConsumer<String, Znode> visitor) {
        nodes.forEach(visitor);
    }

    public NavigableSet<String> ephemeralsOf(long sessionId) {
        NavigableSet<String> set = ephemerals.get(sessionId);
        return set == null ? Collections.emptyNavigableSet() : Collections.unmodifiableNavigableSet(set);
    }

    public NavigableSet<String> containers() {
        return Collections.unmodifiableNavigableSet(containers);
    }

    public NavigableSet<String> ttlNodes() {
        return Collections.unmodifiableNavigableSet(ttlNodes);
    }

    // ---- journal -------------------------------------------------------------------------

    public void openJournal() {
        journal = new ArrayDeque<>();
    }

    public void commitJournal() {
        journal = null;
    }

    public void rollbackJournal() {
        ArrayDeque<Runnable> undo = journal;
        journal = null;
        while (!undo.isEmpty()) undo.pop().run();
    }

    private void onUndo(Runnable r) {
        if (journal != null) journal.push(r);
    }

    // ---- mutations ----------------------------------------------------------------------

    /** Adds a node under an existing parent; the caller has checked every precondition. */
    public Znode create(String path, byte[] data, List<Acl> acl, long ephemeralOwner, long zxid, long time) {
        Znode parent = nodes.get(PathRules.parent(path));
        String name = PathRules.name(path);
        Znode node = new Znode(data, acl, zxid, time, ephemeralOwner);
        String parentPath = PathRules.parent(path);
        int oldCversion = parent.cversion;
        long oldPzxid = parent.pzxid;
        counters.remove(parentPath, parent);
        nodes.put(path, node);
        parent.addChild(name);
        parent.cversion++;
        parent.pzxid = zxid;
        index(path, ephemeralOwner, true);
        counters.add(parentPath, parent);
        counters.add(path, node);
        onUndo(() -> {
            counters.remove(path, node);
            counters.remove(parentPath, parent);
            nodes.remove(path);
            parent.removeChild(name);
            parent.cversion = oldCversion;
            parent.pzxid = oldPzxid;
            index(path, ephemeralOwner, false);
            counters.add(parentPath, parent);
        });
        return node;
    }

    public void delete(String path, long zxid) {
        Znode node = nodes.remove(path);
        String parentPath = PathRules.parent(path);
        Znode parent = nodes.get(parentPath);
        String name = PathRules.name(path);
        int oldCversion = parent.cversion;
        long oldPzxid = parent.pzxid;
        counters.remove(path, node);
        counters.remove(parentPath, parent);
        parent.removeChild(name);
        parent.cversion++;
        parent.pzxid = zxid;
        index(path, node.ephemeralOwner, false);
        counters.add(parentPath, parent);
        onUndo(() -> {
            counters.remove(parentPath, parent);
            nodes.put(path, node);
            parent.addChild(name);
            parent.cversion = oldCversion;
            parent.pzxid = oldPzxid;
            index(path, node.ephemeralOwner, true);
            counters.add(parentPath, parent);
            counters.add(path, node);
        });
    }

    public void setData(String path, Znode node, byte[] data, long zxid, long time) {
        byte[] oldData = node.data;
        int oldVersion = node.version;
        long oldMzxid = node.mzxid;
        long oldMtime = node.mtime;
        counters.remove(path, node);
        node.data = data;
        node.version++;
        node.mzxid = zxid;
        node.mtime = time;
        counters.add(path, node);
        onUndo(() -> {
            counters.remove(path, node);
            node.data = oldData;
            node.version = oldVersion;
            node.mzxid = oldMzxid;
            node.mtime = oldMtime;
            counters.add(path, node);
        });
    }

    /**
     * Replaces a node's data without a version change, as ZooKeeper updates a quota's
     * {@code zookeeper_stats} node; no watch fires for it. The path keeps the tree's counters (data
     * size, digest) right, as every other mutation does.
     */
    public void replaceDataQuietly(String path, Znode node, byte[] data) {
        byte[] oldData = node.data;
        counters.remove(path, node);
        node.data = data;
        counters.add(path, node);
        onUndo(() -> {
            counters.remove(path, node);
            node.data = oldData;
            counters.add(path, node);
        });
    }

    /**
     * The ensemble's configuration in {@code /zookeeper/config}. As in ZooKeeper it is not a
     * versioned write: the version stays -1 and mzxid is the configuration's own zxid (0 for the one
     * read from zoo.cfg). Never part of a multi, so nothing to undo.
     */
    public void setConfig(byte[] data, long zxid, long time) {
        Znode node = nodes.get(CONFIG_PATH);
        if (node == null) throw new IllegalStateException("the tree has no " + CONFIG_PATH);
        counters.remove(CONFIG_PATH, node);
        node.data = data;
        node.version = -1;
        node.mzxid = zxid;
        node.mtime = time;
        counters.add(CONFIG_PATH, node);
    }

    public void setAcl(String path, Znode node, List<Acl> acl) {
        List<Acl> oldAcl = node.acl;
        int oldAversion = node.aversion;
        counters.remove(path, node);
        node.acl = acl;
        node.aversion++;
        counters.add(path, node);
        onUndo(() -> {
            counters.remove(path, node);
            node.acl = oldAcl;
            node.aversion = oldAversion;
            counters.add(path, node);
        });
    }

    /** Puts back a node read from a snapshot; parents are restored before children. */
    public void restore(String path, byte[] data, List<Acl> acl, Stat stat) {
        Znode node = new Znode(data, acl, stat);
        if (path.equals("/")) {
            nodes.put(path, node);
            counters.add(path, node);
            return;
        }
        put(path, node);
        index(path, stat.ephemeralOwner(), true);
        counters.add(path, node);
    }

    /**
     * After every node of a snapshot is restored: each node's children go back to the order they
     * were created in (by czxid), which is the order they were added in before the snapshot, so
     * getChildren answers in the same order across a restart.
     */
    public void restored() {
        nodes.forEach((path, node) -> {
            if (node.childCount() < 2) return;
            List<String> names = new java.util.ArrayList<>(node.children());
            names.sort(java.util.Comparator.comparingLong((String name) -> nodes.get(PathRules.child(path, name)).czxid));
            node.reorderChildren(names);
        });
    }

    private void index(String path, long owner, boolean add) {
        if (owner == 0) return;
        if (ZnodeType.isContainer(owner)) {
            if (add) containers.add(path); else containers.remove(path);
        } else if (ZnodeType.isTtl(owner)) {
            if (add) ttlNodes.add(path); else ttlNodes.remove(path);
        } else if (add) {
            ephemerals.computeIfAbsent(owner, k -> new TreeSet<>()).add(path);
        } else {
            NavigableSet<String> set = ephemerals.get(owner);
            if (set != null) {
                set.remove(path);
                if (set.isEmpty()) ephemerals.remove(owner);
            }
        }
    }

    /** Number of descendants of {@code path}, not counting itself. */
    public int descendantCount(String path) {
        Znode node = nodes.get(path);
        if (node == null) return 0;
        int count = 0;
        ArrayDeque<String> todo = new ArrayDeque<>();
        todo.push(path);
        while (!todo.isEmpty()) {
            String p = todo.pop();
            for (String child : nodes.get(p).children()) {
                count++;
                todo.push(PathRules.child(p, child));
            }
        }
        return count;
    }
}
