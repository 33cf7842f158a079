package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.api.ZnodeType;
import dev.meerkat.wire.jute.JuteException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ZooKeeper's {@code DataTree} as far as its persisted state goes, with ZooKeeper's own replay rules
 * ({@code DataTree.processTxn}) so that a snapshot plus the transactions after it come out exactly
 * as a restarting ZooKeeper recovers them. The rules that matter for a <em>fuzzy</em> snapshot
 * (one written while transactions kept being applied, so some of those replayed after it are
 * already in it):
 * <ul>
 *   <li>a create of an existing node fails with NodeExists but still replaces that node's ACL, and
 *       for a plain create sets the parent's cversion and pzxid from the transaction when larger;</li>
 *   <li>a create only ever raises the parent's cversion (and then sets its pzxid);</li>
 *   <li>a delete of a missing node fails with NoNode but still raises the parent's pzxid;</li>
 *   <li>setData and setACL write the version the transaction carries, not an increment;</li>
 *   <li>the ops of a multi are applied one by one, an op's failure not stopping the others.</li>
 * </ul>
 * Failures are results, never exceptions, as in ZooKeeper, which logs and ignores them on restore.
 *
 * <p>Single-threaded. Keeps ZooKeeper's tree digest up to date as it goes (see {@link ZkDigest}).
 */
public final class ZkTree {
    public static final String ROOT = "/";
    static final String QUOTA_ROOT = "/zookeeper/quota";
    static final String LIMIT_NODE = "zookeeper_limits";
    static final String STAT_NODE = "zookeeper_stats";

    private final Map<String, ZkNode> nodes = new HashMap<>();
    private final Map<Long, Set<String>> ephemerals = new HashMap<>();
    /** Session id → timeout in ms, as ZooKeeper's snapshot and createSession/closeSession keep them. */
    private final Map<Long, Integer> sessions = new HashMap<>();
    private final AclInterner acls;
    private final ZkTxnCodec codec;
    private final ZkDigest digester = new ZkDigest();
    private long digest;
    private long lastProcessedZxid;

    private ZkTree(AclInterner acls) {
        this.acls = acls;
        this.codec = new ZkTxnCodec(acls);
    }

    /** A tree with no nodes at all, for a snapshot to be loaded into. */
    public static ZkTree empty(AclInterner acls) {
        return new ZkTree(acls);
    }

    /** What a brand-new ZooKeeper starts with: /, /zookeeper, /zookeeper/quota, /zookeeper/config. */
    public static ZkTree fresh(AclInterner acls) {
        ZkTree t = new ZkTree(acls);
        t.load(ROOT, new ZkNode(new byte[0], Acl.OPEN_ACL_UNSAFE));
        t.load("/zookeeper", new ZkNode(new byte[0], Acl.OPEN_ACL_UNSAFE));
        t.load(QUOTA_ROOT, new ZkNode(new byte[0], Acl.OPEN_ACL_UNSAFE));
        ZkNode config = new ZkNode(new byte[0], acls.intern(List.of(new Acl(Perms.READ, AuthId.ANYONE))));
        config.aversion = -1;
        t.load("/zookeeper/config", config);
        return t;
    }

    public AclInterner acls() {
        return acls;
    }

    ZkTxnCodec codec() {
        return codec;
    }

    // ---- reading ---------------------------------------------------------------------------

    public ZkNode get(String path) {
        return nodes.get(path);
    }

    public int size() {
        return nodes.size();
    }

    public Map<Long, Integer> sessions() {
        return sessions;
    }

    public long lastProcessedZxid() {
        return lastProcessedZxid;
    }

    void lastProcessedZxid(long zxid) {
        lastProcessedZxid = zxid;
    }

    /** ZooKeeper's tree digest of the current state. */
    public long digest() {
        return digest;
    }

    /**
     * Every path reachable from the root, parents first, children in name order: a canonical order,
     * so the same tree is always written the same way, however it was recovered (the import's
     * byte-identical output relies on it). A node whose parent is gone (only damaged data makes one)
     * is left out, as ZooKeeper's own traversal from the root leaves it out of its next snapshot.
     */
    public List<String> pathsParentsFirst() {
        List<String> out = new ArrayList<>(nodes.size());
        forEachParentsFirst((p, n) -> out.add(p));
        return out;
    }

    /** Visits every node in the order of {@link #pathsParentsFirst()}, without looking each one up again. */
    public void forEachParentsFirst(java.util.function.BiConsumer<String, ZkNode> visitor) {
        ZkNode root = nodes.get(ROOT);
        if (root == null) return;
        List<String> paths = new ArrayList<>(nodes.size());
        List<ZkNode> found = new ArrayList<>(nodes.size());
        paths.add(ROOT);
        found.add(root);
        for (int i = 0; i < paths.size(); i++) {
            String p = paths.get(i);
            ZkNode n = found.get(i);
            visitor.accept(p, n);
            if (n.childCount() == 0) continue;
            @SuppressWarnings("unchecked")
            Map.Entry<String, ZkNode>[] kids = n.childNodes().entrySet().toArray(new Map.Entry[0]);
            java.util.Arrays.sort(kids, Map.Entry.comparingByKey());
            for (Map.Entry<String, ZkNode> k : kids) {
                paths.add(child(p, k.getKey()));
                found.add(k.getValue());
            }
            // What has been visited is not needed again: let it go as the walk proceeds.
            paths.set(i, null);
            found.set(i, null);
        }
    }

    /** Ephemeral nodes (owned by a session, not containers or TTL nodes). */
    public int ephemeralCount() {
        int n = 0;
        for (Set<String> s : ephemerals.values()) n += s.size();
        return n;
    }

    // ---- loading from a snapshot -------------------------------------------------------------

    /**
     * Adds a node read from a snapshot; returns false when its parent is missing, which makes the
     * snapshot invalid (ZooKeeper: "Invalid Datatree, unable to find parent").
     */
    boolean load(String path, ZkNode node) {
        if (!path.equals(ROOT)) {
            ZkNode parent = nodes.get(parentOf(path));
            if (parent == null) return false;
            parent.addChild(nameOf(path), node);
        }
        nodes.put(path, node);
        index(path, node.ephemeralOwner, true);
        digest += digester.of(path, node);
        return true;
    }

    // ---- replay -----------------------------------------------------------------------------

    /**
     * Applies one logged transaction as ZooKeeper's restore does ({@code FileTxnSnapLog.processTransaction}
     * then {@code DataTree.processTxn}); returns ZooKeeper's result code, which restore ignores.
     *
     * @throws JuteException when an op inside a multi cannot be decoded
     */
    public int apply(ZkTxn.Header h, ZkTxn txn) throws JuteException {
        if (txn instanceof ZkTxn.CreateSession s) sessions.put(h.clientId(), s.timeoutMs());
        if (h.type() == ZkOpCodes.CLOSE_SESSION) sessions.remove(h.clientId());
        int err = process(h, h.type(), txn);
        if (h.zxid() > lastProcessedZxid) lastProcessedZxid = h.zxid();
        return err;
    }

    private int process(ZkTxn.Header h, int type, ZkTxn txn) throws JuteException {
        int err = ZkOpCodes.OK;
        if (txn instanceof ZkTxn.Create c) {
            long owner = switch (type) {
                case ZkOpCodes.CREATE_TTL -> ZnodeType.ttlOwner(c.ttl());
                case ZkOpCodes.CREATE_CONTAINER -> ZnodeType.CONTAINER_OWNER;
                default -> c.ephemeral() ? h.clientId() : 0;
            };
            err = createNode(c.path(), c.data(), c.acl(), owner, c.parentCVersion(), h.zxid(), h.time());
            // A node deleted by a session's close and re-created by another session after the
            // parent was serialised: take the parent's cversion and pzxid from the transaction.
            if (type == ZkOpCodes.CREATE && err == ZkOpCodes.NODE_EXISTS) {
                if (!setCversionPzxid(parentOf(c.path()), c.parentCVersion(), h.zxid())) err = ZkOpCodes.NO_NODE;
            }
        } else if (txn instanceof ZkTxn.Delete d) {
            err = deleteNode(d.path(), h.zxid());
        } else if (txn instanceof ZkTxn.SetData s) {
            err = setData(s.path(), s.data(), s.version(), h.zxid(), h.time());
        } else if (txn instanceof ZkTxn.SetAcl s) {
            err = setAcl(s.path(), s.acl(), s.version());
        } else if (type == ZkOpCodes.CLOSE_SESSION) {
            killSession(h.clientId(), h.zxid(), txn instanceof ZkTxn.CloseSession c ? c.pathsToDelete() : null);
        } else if (txn instanceof ZkTxn.Error e) {
            err = e.err();
        } else if (txn instanceof ZkTxn.Multi m) {
            err = multi(h, m);
        }
        return err;
    }

    private int multi(ZkTxn.Header h, ZkTxn.Multi m) throws JuteException {
        boolean failed = false;
        for (ZkTxn.Op op : m.ops()) failed |= op.type() == ZkOpCodes.ERROR;
        boolean afterFailure = false;
        int err = ZkOpCodes.OK;
        for (ZkTxn.Op op : m.ops()) {
            if (op.type() == ZkOpCodes.ERROR) afterFailure = true;
            int subErr;
            if (failed && op.type() != ZkOpCodes.ERROR) {
                subErr = afterFailure ? ZkOpCodes.RUNTIME_INCONSISTENCY : ZkOpCodes.OK;
            } else {
                ZkTxn sub = codec.decodeOp(op);
                subErr = process(h, op.type(), sub);
            }
            if (subErr != ZkOpCodes.OK && err == ZkOpCodes.OK) err = subErr;
        }
        return err;
    }

    int createNode(String path, byte[] data, List<Acl> acl, long owner, int parentCVersion, long zxid, long time) {
        String parentPath = parentOf(path);
        ZkNode parent = nodes.get(parentPath);
        if (parent == null) return ZkOpCodes.NO_NODE;
        ZkNode existing = nodes.get(path);
        if (existing != null) {
            existing.acl = acl; // ZooKeeper's fuzzy-snapshot fix: the logged ACL wins even so
            return ZkOpCodes.NODE_EXISTS;
        }
        unhash(parentPath, parent);
        if (parentCVersion == -1) parentCVersion = parent.cversion + 1;
        // Replaying the create of a node created and deleted in the fuzzy range must not move the
        // parent's cversion back.
        if (parentCVersion > parent.cversion) {
            parent.cversion = parentCVersion;
            parent.pzxid = zxid;
        }
        ZkNode node = new ZkNode(data, acl);
        parent.addChild(nameOf(path), node);
        rehash(parentPath, parent);
        node.czxid = zxid;
        node.mzxid = zxid;
        node.pzxid = zxid;
        node.ctime = time;
        node.mtime = time;
        node.ephemeralOwner = owner;
        nodes.put(path, node);
        index(path, owner, true);
        rehash(path, node);
        return ZkOpCodes.OK;
    }

    int deleteNode(String path, long zxid) {
        String parentPath = parentOf(path);
        ZkNode parent = nodes.get(parentPath);
        if (parent == null) return ZkOpCodes.NO_NODE;
        // The child may already be gone (deleted while a fuzzy snapshot was taken): the parent's
        // pzxid moves forward all the same.
        unhash(parentPath, parent);
        parent.removeChild(nameOf(path));
        if (zxid > parent.pzxid) parent.pzxid = zxid;
        rehash(parentPath, parent);
        ZkNode node = nodes.get(path);
        if (node == null) return ZkOpCodes.NO_NODE;
        unhash(path, node);
        nodes.remove(path);
        index(path, node.ephemeralOwner, false);
        return ZkOpCodes.OK;
    }

    private int setData(String path, byte[] data, int version, long zxid, long time) {
        ZkNode n = nodes.get(path);
        if (n == null) return ZkOpCodes.NO_NODE;
        unhash(path, n);
        n.data = data;
        n.mtime = time;
        n.mzxid = zxid;
        n.version = version;
        rehash(path, n);
        return ZkOpCodes.OK;
    }

    private int setAcl(String path, List<Acl> acl, int version) {
        ZkNode n = nodes.get(path);
        if (n == null) return ZkOpCodes.NO_NODE;
        unhash(path, n);
        n.aversion = version;
        n.acl = acl;
        rehash(path, n);
        return ZkOpCodes.OK;
    }

    private boolean setCversionPzxid(String path, int cversion, long zxid) {
        ZkNode n = nodes.get(path);
        if (n == null) return false;
        if (cversion == -1) cversion = n.cversion + 1;
        if (cversion > n.cversion) {
            unhash(path, n);
            n.cversion = cversion;
            n.pzxid = zxid;
            rehash(path, n);
        }
        return true;
    }

    private void killSession(long session, long zxid, List<String> logged) {
        Set<String> local = ephemerals.remove(session);
        if (logged != null) {
            for (String path : logged) deleteNode(path, zxid);
        }
        if (local == null) return;
        if (logged != null) logged.forEach(local::remove);
        for (String path : List.copyOf(local)) deleteNode(path, zxid);
    }

    /** Session ids the data knows of: those with a timeout recorded and those owning ephemerals. */
    public Set<Long> knownSessions() {
        Set<Long> all = new HashSet<>(sessions.keySet());
        for (Map.Entry<Long, Set<String>> e : ephemerals.entrySet()) if (!e.getValue().isEmpty()) all.add(e.getKey());
        return all;
    }

    /**
     * Ends every session at {@code zxid} as ZooKeeper applies a closeSession (an expiry): each
     * session's ephemerals are deleted in path order, the parent's pzxid moving to {@code zxid}.
     * Returns how many znodes went.
     */
    public int expireAllSessions(long zxid) {
        int deleted = 0;
        List<Long> owners = new ArrayList<>(ephemerals.keySet());
        owners.sort(null);
        for (long owner : owners) {
            List<String> paths = new ArrayList<>(ephemerals.remove(owner));
            paths.sort(null);
            for (String p : paths) if (deleteNode(p, zxid) == ZkOpCodes.OK) deleted++;
        }
        sessions.clear();
        if (deleted > 0 && zxid > lastProcessedZxid) lastProcessedZxid = zxid;
        return deleted;
    }

    /**
     * What ZooKeeper does to quota stat nodes whenever it loads a snapshot ({@code setupQuota}):
     * for every {@code zookeeper_limits} leaf under /zookeeper/quota, the sibling
     * {@code zookeeper_stats} node gets the node count and data bytes of the quota'd subtree.
     * Replay keeps them current incrementally; computing them once at the end gives the same.
     */
    public void recomputeQuotaStats() {
        if (!nodes.containsKey(QUOTA_ROOT)) return;
        ArrayDeque<String> todo = new ArrayDeque<>();
        todo.push(QUOTA_ROOT);
        while (!todo.isEmpty()) {
            String p = todo.pop();
            ZkNode n = nodes.get(p);
            if (n.childCount() == 0) {
                String suffix = "/" + LIMIT_NODE;
                if (p.endsWith(suffix)) {
                    String quotaPath = p.substring(QUOTA_ROOT.length(), p.length() - suffix.length());
                    if (!quotaPath.isEmpty()) updateQuota(quotaPath);
                }
                continue;
            }
            for (String c : n.children()) todo.push(child(p, c));
        }
    }

    private void updateQuota(String quotaPath) {
        ZkNode statNode = nodes.get(QUOTA_ROOT + quotaPath + "/" + STAT_NODE);
        if (statNode == null) return;
        long count = 0;
        long bytes = 0;
        ArrayDeque<String> todo = new ArrayDeque<>();
        if (nodes.containsKey(quotaPath)) todo.push(quotaPath);
        while (!todo.isEmpty()) {
            String p = todo.pop();
            ZkNode n = nodes.get(p);
            count++;
            bytes += n.data == null ? 0 : n.data.length;
            for (String c : n.children()) todo.push(child(p, c));
        }
        String statPath = QUOTA_ROOT + quotaPath + "/" + STAT_NODE;
        unhash(statPath, statNode);
        statNode.data = ("count=" + count + ",bytes=" + bytes).getBytes(StandardCharsets.UTF_8);
        rehash(statPath, statNode);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void unhash(String path, ZkNode n) {
        digest -= digester.of(path, n);
    }

    private void rehash(String path, ZkNode n) {
        digest += digester.of(path, n);
    }

    private void index(String path, long owner, boolean add) {
        if (!ZnodeType.isEphemeralOwner(owner)) return;
        if (add) {
            ephemerals.computeIfAbsent(owner, k -> new HashSet<>()).add(path);
        } else {
            Set<String> s = ephemerals.get(owner);
            if (s != null) s.remove(path);
        }
    }

    /** ZooKeeper cuts at the last slash; a node directly under the root has the root ("") as parent. */
    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? ROOT : path.substring(0, slash);
    }

    static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String child(String parent, String name) {
        return parent.equals(ROOT) ? "/" + name : parent + "/" + name;
    }
}
