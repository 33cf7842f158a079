package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.api.Stat;
import dev.meerkat.core.api.ZnodeType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The znode tree and its indexes (ephemerals per session, containers, TTL nodes). Mutations keep
 * ZooKeeper's Stat rules: a child create or delete bumps the parent's cversion and pzxid only.
 *
 * <p>Nodes are found by walking from the root, one {@link ChildTable} probe per path segment; no
 * node stores its path (see {@link Znode} for what that saves). While a journal is open every
 * mutation records its inverse, so a failed multi can be rolled back to exactly the state before
 * it. While a snapshot {@link TreeCapture} runs, every mutation first lets it keep what it still
 * needs of the state it captures.
 */
public final class DataTree {
    public static final String CONFIG_PATH = "/zookeeper/config";
    private Znode root;
    private int size;
    private final Map<Long, NavigableSet<String>> ephemerals = new HashMap<>();
    private final NavigableSet<String> containers = new TreeSet<>();
    private final NavigableSet<String> ttlNodes = new TreeSet<>();
    private final TreeCounters counters = new TreeCounters();
    private final AclTable acls = new AclTable();
    private ArrayDeque<Runnable> journal;
    /** The snapshot capture in progress, or null. */
    private TreeCapture capture;
    private int captures;

    public DataTree() {
        // ZooKeeper's own system nodes, with all-zero stats, exactly as a fresh ZooKeeper has them.
        root = Znode.of(Names.ROOT, new byte[0], acls.intern(Acl.OPEN_ACL_UNSAFE), 0, 0, 0);
        size = 1;
        Znode zk = put(root, "zookeeper", Acl.OPEN_ACL_UNSAFE);
        put(zk, "quota", Acl.OPEN_ACL_UNSAFE);
        Znode config = put(zk, "config", List.of(new Acl(Perms.READ, AuthId.ANYONE)));
        // ZooKeeper adds these children without counting them as creates, so it reports a cversion
        // of 0 - numChildren for their parents; /zookeeper/config carries aversion -1.
        root.cversion = -1;
        zk.cversion = -2;
        config.aversion = -1;
        forEachNode(counters::add);
    }

    /** An empty tree with no nodes at all, for loading a snapshot into. */
    public static DataTree empty() {
        DataTree t = new DataTree();
        t.root = null;
        t.size = 0;
        t.acls.clear();
        t.counters.reset();
        return t;
    }

    private Znode put(Znode parent, String name, List<Acl> acl) {
        Znode node = Znode.of(name.getBytes(StandardCharsets.UTF_8), new byte[0], acls.intern(acl), 0, 0, 0);
        parent.addChild(node);
        size++;
        return node;
    }

    /** The node at {@code path}, or null (also for anything that is not a well-formed path). */
    public Znode get(String path) {
        Znode node = root;
        if (node == null || path == null || path.isEmpty() || path.charAt(0) != '/') return null;
        int len = path.length();
        if (len == 1) return node;
        int from = 1;
        while (node != null) {
            int slash = path.indexOf('/', from);
            int to = slash < 0 ? len : slash;
            node = node.child(path, from, to);
            if (slash < 0) return node;
            from = slash + 1;
        }
        return null;
    }

    /** The child of {@code parent} named by the last segment of {@code path}, or null. */
    public static Znode child(Znode parent, String path) {
        return parent.child(path, path.lastIndexOf('/') + 1, path.length());
    }

    public int size() {
        return size;
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

    /** Every path, as a set built now (O(nodes): for tools and tests, not for the request path). */
    public Set<String> paths() {
        Set<String> out = new HashSet<>(Math.max(16, size * 2));
        forEachNode((p, z) -> out.add(p));
        return Collections.unmodifiableSet(out);
    }

    /** Visits every node, parents before children (depth first), with its path. */
    public void forEachNode(BiConsumer<String, Znode> visitor) {
        if (root == null) return;
        ArrayDeque<Object[]> todo = new ArrayDeque<>();
        todo.push(new Object[]{"/", root});
        while (!todo.isEmpty()) {
            Object[] e = todo.pop();
            String path = (String) e[0];
            Znode z = (Znode) e[1];
            visitor.accept(path, z);
            if (z.children != null) {
                String prefix = path.length() == 1 ? "/" : path + "/";
                z.children.forEach(c -> todo.push(new Object[]{prefix + Names.decode(c.name), c}));
            }
        }
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

    /** Distinct ACL lists in the tree (each stored once). */
    public int distinctAcls() {
        return acls.size();
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

    // ---- snapshot capture ----------------------------------------------------------------

    /**
     * Starts capturing the tree as it is now, at {@code zxid}; the capture then advances in slices
     * ({@link TreeCapture#step}) between mutations, and every mutation until it ends first hands it
     * the old state of what it changes. One at a time.
     */
    public TreeCapture beginCapture(long zxid, TreeCapture.Sink sink) {
        if (capture != null) throw new IllegalStateException("a capture is already running");
        captures = TreeCapture.nextMark(captures);
        capture = new TreeCapture(this, root, zxid, captures, sink);
        return capture;
    }

    void captureEnded(TreeCapture c) {
        if (capture == c) capture = null;
    }

    private void beforeChange(Znode node) {
        if (capture != null) capture.beforeChange(node);
    }

    // ---- mutations ----------------------------------------------------------------------

    /** Adds a node under an existing parent; the caller has checked every precondition. */
    public Znode create(String path, byte[] data, List<Acl> acl, long ephemeralOwner, long zxid, long time) {
        String parentPath = PathRules.parent(path);
        return create(get(parentPath), parentPath, path, data, acl, ephemeralOwner, zxid, time);
    }

    /**
     * {@link #create(String, byte[], List, long, long, long)} under the parent the caller has already
     * found at {@code parentPath} (a write looks its parent up once, not once per step).
     */
    public Znode create(Znode parent, String parentPath, String path, byte[] data, List<Acl> acl, long ephemeralOwner, long zxid,
                        long time) {
        int slash = path.lastIndexOf('/');
        assert parent == get(parentPath) : "create " + path + " under a parent that is not " + parentPath;
        beforeChange(parent);
        Znode node = Znode.of(Names.encode(path, slash + 1, path.length()), data, acls.intern(acl), zxid, time, ephemeralOwner);
        int oldCversion = parent.cversion;
        long oldPzxid = parent.pzxid;
        counters.remove(parentPath, parent);
        parent.addChild(node);
        size++;
        parent.cversion++;
        parent.pzxid = zxid;
        index(path, ephemeralOwner, true);
        counters.add(parentPath, parent);
        counters.add(path, node);
        onUndo(() -> {
            counters.remove(path, node);
            counters.remove(parentPath, parent);
            parent.removeChild(node);
            size--;
            acls.release(node.acl);
            parent.cversion = oldCversion;
            parent.pzxid = oldPzxid;
            index(path, ephemeralOwner, false);
            counters.add(parentPath, parent);
        });
        return node;
    }

    public void delete(String path, long zxid) {
        int slash = path.lastIndexOf('/');
        String parentPath = PathRules.parent(path);
        Znode parent = get(parentPath);
        delete(parent, parentPath, parent.child(path, slash + 1, path.length()), path, zxid);
    }

    /** Removes {@code node}, found at {@code path} under {@code parent} (at {@code parentPath}) by the caller. */
    public void delete(Znode parent, String parentPath, Znode node, String path, long zxid) {
        assert parent == get(parentPath) && node == get(path) : "delete " + path + " with nodes found elsewhere";
        if (capture != null) {
            capture.beforeChange(parent);
            capture.beforeDelete(parent, node);
        }
        int oldCversion = parent.cversion;
        long oldPzxid = parent.pzxid;
        counters.remove(path, node);
        counters.remove(parentPath, parent);
        parent.removeChild(node);
        size--;
        acls.release(node.acl);
        parent.cversion++;
        parent.pzxid = zxid;
        index(path, node.ephemeralOwner(), false);
        counters.add(parentPath, parent);
        onUndo(() -> {
            counters.remove(parentPath, parent);
            parent.addChild(node);
            size++;
            acls.intern(node.acl);
            parent.cversion = oldCversion;
            parent.pzxid = oldPzxid;
            index(path, node.ephemeralOwner(), true);
            counters.add(parentPath, parent);
            counters.add(path, node);
        });
    }

    public void setData(String path, Znode node, byte[] data, long zxid, long time) {
        beforeChange(node);
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
        beforeChange(node);
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
        Znode node = get(CONFIG_PATH);
        if (node == null) throw new IllegalStateException("the tree has no " + CONFIG_PATH);
        beforeChange(node);
        counters.remove(CONFIG_PATH, node);
        node.data = data;
        node.version = -1;
        node.mzxid = zxid;
        node.mtime = time;
        counters.add(CONFIG_PATH, node);
    }

    public void setAcl(String path, Znode node, List<Acl> acl) {
        beforeChange(node);
        List<Acl> oldAcl = node.acl;
        int oldAversion = node.aversion;
        counters.remove(path, node);
        node.acl = acls.intern(acl);
        acls.release(oldAcl);
        node.aversion++;
        counters.add(path, node);
        onUndo(() -> {
            counters.remove(path, node);
            acls.release(node.acl);
            node.acl = acls.intern(oldAcl);
            node.aversion = oldAversion;
            counters.add(path, node);
        });
    }

    /** Puts back a node read from a snapshot by path; parents are restored before children. */
    public void restore(String path, byte[] data, List<Acl> acl, Stat stat) {
        Znode node = Znode.restored(path.equals("/") ? Names.ROOT : Names.encode(path, path.lastIndexOf('/') + 1, path.length()), data,
                acls.intern(acl), stat.czxid(), stat.mzxid(), stat.ctime(), stat.mtime(), stat.version(), stat.cversion(),
                stat.aversion(), stat.ephemeralOwner(), stat.pzxid());
        if (path.equals("/")) {
            if (root != null) throw new IllegalStateException("root restored twice");
            root = node;
            size = 1;
            counters.add(path, node);
            return;
        }
        Znode parent = get(PathRules.parent(path));
        if (parent == null) throw new IllegalStateException("snapshot restores " + path + " before its parent");
        if (parent.child(path, path.lastIndexOf('/') + 1, path.length()) != null) throw new IllegalStateException("snapshot restores " + path + " twice");
        parent.addChild(node);
        size++;
        index(path, stat.ephemeralOwner(), true);
        counters.add(path, node);
    }

    /**
     * Puts back a node read from a snapshot under its parent (null for the root), the fast way:
     * {@code path[0, pathLen)} is its full path in UTF-8 and {@code pathChars} its length in chars,
     * kept by the reader as it walks. Returns the node, to be the parent of the next ones.
     */
    public Znode restoreChild(Znode parent, byte[] name, byte[] path, int pathLen, int pathChars, byte[] data, List<Acl> acl,
                              long czxid, long mzxid, long ctime, long mtime, int version, int cversion, int aversion,
                              long ephemeralOwner, long pzxid) {
        Znode node = Znode.restored(name, data, acls.intern(acl), czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, pzxid);
        if (parent == null) {
            if (root != null) throw new IllegalStateException("root restored twice");
            root = node;
        } else {
            if (parent.children != null && parent.children.get(name) != null) {
                throw new IllegalStateException("snapshot restores " + new String(path, 0, pathLen, StandardCharsets.UTF_8) + " twice");
            }
            parent.addChild(node);
        }
        size++;
        if (ephemeralOwner != 0) index(new String(path, 0, pathLen, StandardCharsets.UTF_8), ephemeralOwner, true);
        counters.add(path, pathLen, pathChars, node);
        return node;
    }

    /** The length in chars of a name given as UTF-8. */
    public static int nameChars(byte[] name) {
        return Names.chars(name);
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
        Znode node = get(path);
        if (node == null) return 0;
        int[] count = {0};
        ArrayDeque<Znode> todo = new ArrayDeque<>();
        todo.push(node);
        while (!todo.isEmpty()) {
            Znode z = todo.pop();
            if (z.children == null) continue;
            z.children.forEach(c -> {
                count[0]++;
                todo.push(c);
            });
        }
        return count[0];
    }
}
