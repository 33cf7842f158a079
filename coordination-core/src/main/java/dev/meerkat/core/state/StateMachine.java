package dev.meerkat.core.state;

import dev.meerkat.core.acl.AclPolicy;
import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.EventType;
import dev.meerkat.core.api.KeeperError;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.api.ZnodeType;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.stats.DigestLog;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.PathRules;
import dev.meerkat.core.tree.Znode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The replicated state machine: applies committed commands, in log order, to the tree and the
 * session table. Deterministic: it reads no clock (the leader's time comes in the proposal), no
 * randomness and no local configuration, so every replica computes the same state and the same
 * results, errors included. Checks run in ZooKeeper's order so that a request with several problems
 * fails with the same code as on ZooKeeper.
 */
public final class StateMachine {
    /** Session ids carry a high marker bit so they never look like a container or TTL owner. */
    private static final long SESSION_ID_BASE = 1L << 56;
    private static final Set<String> SYSTEM_PATHS = Set.of("/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config");

    private final DataTree tree;
    private final Quotas quotas;
    private final Map<Long, Session> sessions;
    private final DigestLog digestLog = new DigestLog();
    private long lastApplied;

    public StateMachine() {
        this(new DataTree(), new HashMap<>(), 0);
    }

    public StateMachine(DataTree tree, Map<Long, Session> sessions, long lastApplied) {
        this.tree = tree;
        this.quotas = new Quotas(tree);
        this.sessions = sessions;
        this.lastApplied = lastApplied;
    }

    public DataTree tree() {
        return tree;
    }

    public Map<Long, Session> sessions() {
        return Collections.unmodifiableMap(sessions);
    }

    public Session session(long id) {
        return sessions.get(id);
    }

    public long lastApplied() {
        return lastApplied;
    }

    /** The tree digest every 128 zxids (not replicated state: derived from it, for comparing servers). */
    public DigestLog digestLog() {
        return digestLog;
    }

    /** Marks an entry that carries no command (a Raft no-op or configuration) as applied. */
    public void skip(long zxid) {
        lastApplied = zxid;
        digestLog.applied(zxid, DataTree.digestVersion(), tree.digest());
    }

    /** Applies a configuration entry: {@code /zookeeper/config} now holds {@code text}; returns its watch event. */
    public WatchEvent applyConfig(long zxid, byte[] text, long timeMs) {
        if (zxid <= lastApplied) throw new IllegalStateException("entry " + zxid + " applied twice (last " + lastApplied + ")");
        lastApplied = zxid;
        tree.setConfig(text, zxid, timeMs);
        digestLog.applied(zxid, DataTree.digestVersion(), tree.digest());
        return new WatchEvent(dev.meerkat.core.api.EventType.NODE_DATA_CHANGED, DataTree.CONFIG_PATH, zxid);
    }

    public Applied apply(long zxid, Proposal proposal) {
        Applied applied = applyCommand(zxid, proposal);
        digestLog.applied(zxid, DataTree.digestVersion(), tree.digest());
        return applied;
    }

    private Applied applyCommand(long zxid, Proposal proposal) {
        if (zxid <= lastApplied) throw new IllegalStateException("entry " + zxid + " applied twice (last " + lastApplied + ")");
        lastApplied = zxid;
        List<WatchEvent> events = new ArrayList<>();
        long time = proposal.time();
        Command command = proposal.command();
        if (command instanceof Command.CreateSession c) {
            long id = SESSION_ID_BASE | zxid;
            sessions.put(id, new Session(id, c.timeoutMs(), c.password(), proposal.originServer()));
            return new Applied(new OpResult.SessionOpened(id, c.timeoutMs(), c.password()), events, 0);
        }
        if (command instanceof Command.AttachSession a) {
            Session s = sessions.get(a.sessionId());
            if (s == null || !java.util.Arrays.equals(s.password(), a.password())) {
                return new Applied(new OpResult.Error(ErrorCode.SESSION_EXPIRED), events, 0);
            }
            Session attached = s.withOwner(proposal.originServer());
            sessions.put(s.id(), attached);
            return new Applied(new OpResult.SessionAttached(attached), events, 0);
        }
        if (command instanceof Command.CloseSession c) {
            Session s = sessions.get(c.sessionId());
            if (s == null) {
                return new Applied(new OpResult.Error(ErrorCode.SESSION_EXPIRED), events, 0);
            }
            if (!c.expired() && !s.ownedBy(proposal.originServer())) {
                return new Applied(new OpResult.Error(ErrorCode.SESSION_MOVED), events, 0);
            }
            sessions.remove(c.sessionId());
            for (String path : List.copyOf(tree.ephemeralsOf(c.sessionId()))) {
                deleteNode(path, zxid, events);
            }
            return new Applied(new OpResult.SessionClosed(), events, c.sessionId());
        }
        if (command instanceof Command.ClientWrite w) {
            Session s = sessions.get(w.sessionId());
            if (s == null) {
                return new Applied(new OpResult.Error(ErrorCode.SESSION_EXPIRED), events, 0);
            }
            if (!s.ownedBy(proposal.originServer())) {
                return new Applied(new OpResult.Error(ErrorCode.SESSION_MOVED), events, 0);
            }
            return new Applied(applyOp(w.op(), w.sessionId(), w.authIds(), w.enforceQuota(), zxid, time, events), events, 0);
        }
        if (command instanceof Command.ReapNode r) {
            if (isReapable(r.path(), time)) deleteNode(r.path(), zxid, events);
            return new Applied(new OpResult.None(), events, 0);
        }
        // TouchSessions changes no state: liveness is the leader's, not the tree's.
        return new Applied(new OpResult.None(), events, 0);
    }

    /** Whether the node at {@code path} is an emptied container or an expired TTL node at {@code now}. */
    public boolean isReapable(String path, long now) {
        Znode node = tree.get(path);
        if (node == null || node.childCount() > 0) return false;
        long owner = node.ephemeralOwner();
        if (ZnodeType.isContainer(owner)) return node.cversion() > 0;
        if (ZnodeType.isTtl(owner)) return now - node.mtime() > ZnodeType.ttlOf(owner);
        return false;
    }

    private OpResult applyOp(WriteOp op, long sessionId, List<AuthId> ids, boolean enforceQuota, long zxid, long time, List<WatchEvent> events) {
        if (op instanceof WriteOp.Multi multi) return applyMulti(multi, sessionId, ids, enforceQuota, zxid, time, events);
        try {
            return execute(op, sessionId, ids, enforceQuota, zxid, time, events);
        } catch (KeeperError e) {
            return new OpResult.Error(e.code());
        }
    }

    private OpResult applyMulti(WriteOp.Multi multi, long sessionId, List<AuthId> ids, boolean enforceQuota, long zxid, long time, List<WatchEvent> events) {
        List<OpResult> results = new ArrayList<>(multi.ops().size());
        List<WatchEvent> multiEvents = new ArrayList<>();
        tree.openJournal();
        for (int i = 0; i < multi.ops().size(); i++) {
            WriteOp op = multi.ops().get(i);
            try {
                if (op instanceof WriteOp.Multi || op instanceof WriteOp.Sync) {
                    throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "op not allowed in multi");
                }
                results.add(execute(op, sessionId, ids, enforceQuota, zxid, time, multiEvents));
            } catch (KeeperError e) {
                tree.rollbackJournal();
                List<OpResult> failed = new ArrayList<>(multi.ops().size());
                for (int j = 0; j < multi.ops().size(); j++) {
                    ErrorCode code = j < i ? ErrorCode.OK : j == i ? e.code() : ErrorCode.RUNTIME_INCONSISTENCY;
                    failed.add(new OpResult.Error(code));
                }
                return new OpResult.MultiResults(failed, true);
            }
        }
        tree.commitJournal();
        events.addAll(multiEvents);
        return new OpResult.MultiResults(results, false);
    }

    private OpResult execute(WriteOp op, long sessionId, List<AuthId> ids, boolean enforceQuota, long zxid, long time,
                             List<WatchEvent> events) throws KeeperError {
        if (op instanceof WriteOp.Create c) return create(c, sessionId, ids, enforceQuota, zxid, time, events);
        if (op instanceof WriteOp.Delete d) return d.containerOnly() ? deleteContainer(d, zxid, events) : delete(d, ids, zxid, events);
        if (op instanceof WriteOp.SetData s) {
            PathRules.validate(s.path());
            Znode node = existing(s.path());
            AclPolicy.check(node.acl(), Perms.WRITE, ids);
            checkVersion(node.version(), s.version());
            long bytesDiff = length(s.data()) - length(node.data());
            if (enforceQuota) quotas.check(s.path(), bytesDiff, 0);
            tree.setData(s.path(), node, s.data(), zxid, time);
            quotas.dataChanged(s.path(), bytesDiff);
            events.add(new WatchEvent(EventType.NODE_DATA_CHANGED, s.path(), zxid));
            return new OpResult.DataSet(node.stat());
        }
        if (op instanceof WriteOp.SetAcl s) {
            PathRules.validate(s.path());
            List<Acl> acl = AclPolicy.resolve(s.acl(), ids);
            Znode node = existing(s.path());
            AclPolicy.check(node.acl(), Perms.ADMIN, ids);
            checkVersion(node.aversion(), s.version());
            tree.setAcl(s.path(), node, acl);
            return new OpResult.AclSet(node.stat());
        }
        if (op instanceof WriteOp.Check c) {
            PathRules.validate(c.path());
            Znode node = existing(c.path());
            AclPolicy.check(node.acl(), Perms.READ, ids);
            checkVersion(node.version(), c.version());
            return new OpResult.Checked();
        }
        if (op instanceof WriteOp.Sync s) return new OpResult.Synced(s.path());
        throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "nested multi");
    }

    private OpResult create(WriteOp.Create c, long sessionId, List<AuthId> ids, boolean enforceQuota, long zxid, long time,
                            List<WatchEvent> events) throws KeeperError {
        CreateMode mode = c.mode();
        if (mode.isTtl()) {
            if (c.ttl() <= 0 || c.ttl() > ZnodeType.MAX_TTL) throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "bad ttl " + c.ttl());
        } else if (c.ttl() >= 0) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "ttl given for a mode without one");
        }
        String path = c.path();
        // ZooKeeper's order: a path with no slash is refused at once, but the parent is looked up
        // (NoNode, NoAuth) before the full path is validated, so "/missing/" is NoNode, not BadArguments.
        if (path == null || path.lastIndexOf('/') < 0 || path.indexOf('\0') >= 0) throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "bad path " + path);
        List<Acl> acl = AclPolicy.resolve(c.acl(), ids);
        String parentPath = PathRules.parent(path);
        Znode parent = tree.get(parentPath);
        if (parent == null) throw new KeeperError(ErrorCode.NO_NODE, parentPath);
        AclPolicy.check(parent.acl(), Perms.CREATE, ids);
        // The suffix counts the creates under the parent: ZooKeeper's stored cversion, of which the
        // reported one (creates + deletes, the same number as ours) is 2 * stored - numChildren.
        if (mode.isSequential()) path = path + String.format(Locale.ROOT, "%010d", (parent.cversion() + parent.childCount()) / 2);
        PathRules.validate(path);
        if (path.length() == 1 || DataTree.child(parent, path) != null) throw new KeeperError(ErrorCode.NODE_EXISTS, path);
        if (ZnodeType.isEphemeralOwner(parent.ephemeralOwner())) throw new KeeperError(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS, parentPath);
        long owner = mode.isEphemeral() ? sessionId
                : mode.isContainer() ? ZnodeType.CONTAINER_OWNER
                : mode.isTtl() ? ZnodeType.ttlOwner(c.ttl())
                : 0;
        if (enforceQuota) quotas.check(path, length(c.data()), 1);
        Znode node = tree.create(parent, parentPath, path, c.data(), acl, owner, zxid, time);
        quotas.created(path, length(c.data()));
        events.add(new WatchEvent(EventType.NODE_CREATED, path, zxid));
        events.add(new WatchEvent(EventType.NODE_CHILDREN_CHANGED, parentPath, zxid));
        return new OpResult.Created(path, node.stat());
    }

    private OpResult delete(WriteOp.Delete d, List<AuthId> ids, long zxid, List<WatchEvent> events) throws KeeperError {
        String path = d.path();
        PathRules.validate(path);
        if (SYSTEM_PATHS.contains(path)) throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "cannot delete " + path);
        String parentPath = PathRules.parent(path);
        Znode parent = existing(parentPath);
        AclPolicy.check(parent.acl(), Perms.DELETE, ids);
        Znode node = DataTree.child(parent, path);
        if (node == null) throw new KeeperError(ErrorCode.NO_NODE, path);
        checkVersion(node.version(), d.version());
        if (node.childCount() > 0) throw new KeeperError(ErrorCode.NOT_EMPTY, path);
        deleteNode(parent, parentPath, node, path, zxid, events);
        return new OpResult.Deleted();
    }

    /** The deleteContainer opcode: no ACL check, but it never removes a plain ephemeral node. */
    private OpResult deleteContainer(WriteOp.Delete d, long zxid, List<WatchEvent> events) throws KeeperError {
        String path = d.path();
        PathRules.validate(path);
        if (SYSTEM_PATHS.contains(path)) throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "cannot delete " + path);
        Znode node = existing(path);
        if (node.childCount() > 0) throw new KeeperError(ErrorCode.NOT_EMPTY, path);
        if (ZnodeType.isEphemeralOwner(node.ephemeralOwner())) throw new KeeperError(ErrorCode.BAD_VERSION, path);
        String parentPath = PathRules.parent(path);
        deleteNode(existing(parentPath), parentPath, node, path, zxid, events);
        return new OpResult.Deleted();
    }

    private void deleteNode(String path, long zxid, List<WatchEvent> events) {
        String parentPath = PathRules.parent(path);
        Znode parent = tree.get(parentPath);
        deleteNode(parent, parentPath, DataTree.child(parent, path), path, zxid, events);
    }

    private void deleteNode(Znode parent, String parentPath, Znode node, String path, long zxid, List<WatchEvent> events) {
        long bytes = length(node.data());
        tree.delete(parent, parentPath, node, path, zxid);
        quotas.deleted(path, bytes);
        events.add(new WatchEvent(EventType.NODE_DELETED, path, zxid));
        events.add(new WatchEvent(EventType.NODE_CHILDREN_CHANGED, parentPath, zxid));
    }

    private Znode existing(String path) throws KeeperError {
        Znode node = tree.get(path);
        if (node == null) throw new KeeperError(ErrorCode.NO_NODE, path);
        return node;
    }

    private static long length(byte[] data) {
        return data == null ? 0 : data.length;
    }

    private static void checkVersion(int current, int expected) throws KeeperError {
        if (expected != -1 && expected != current) throw new KeeperError(ErrorCode.BAD_VERSION);
    }
}
