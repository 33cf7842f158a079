package dev.meerkat.core.query;

import dev.meerkat.core.acl.AclPolicy;
import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.EventType;
import dev.meerkat.core.api.KeeperError;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.Znode;
import dev.meerkat.core.watch.WatchKind;
import dev.meerkat.core.watch.WatchManager;
import dev.meerkat.core.watch.Watcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Answers queries on the tree's thread. Because the same thread applies writes and fires watches,
 * registering a watch and reading the node happen with no write in between: no change is missed.
 */
public final class QueryEngine {
    private final DataTree tree;
    private final WatchManager watches;
    private final int maxWatchesPerSession;

    public QueryEngine(DataTree tree, WatchManager watches) {
        this(tree, watches, Integer.MAX_VALUE);
    }

    /** {@code maxWatchesPerSession}: a watch beyond it is refused with THROTTLED_OP (the read with it is not answered). */
    public QueryEngine(DataTree tree, WatchManager watches, int maxWatchesPerSession) {
        this.tree = tree;
        this.watches = watches;
        this.maxWatchesPerSession = maxWatchesPerSession;
    }

    /** Registers a watch unless {@code watcher} already holds as many as it may. */
    private void watch(WatchKind kind, String path, Watcher watcher) throws KeeperError {
        if (!watches.contains(kind, path, watcher) && watches.countOf(watcher) >= maxWatchesPerSession) {
            throw new KeeperError(ErrorCode.THROTTLED_OP, "watch limit");
        }
        watches.add(kind, path, watcher);
    }

    public QueryResult answer(Query query, long sessionId, List<AuthId> ids, Watcher watcher) {
        try {
            return evaluate(query, sessionId, ids, watcher);
        } catch (KeeperError e) {
            return new QueryResult.Error(e.code());
        }
    }

    private QueryResult evaluate(Query query, long sessionId, List<AuthId> ids, Watcher watcher) throws KeeperError {
        if (query instanceof Query.GetData q) {
            Znode node = readable(q.path(), ids);
            if (q.watch()) watch(WatchKind.DATA, q.path(), watcher);
            return new QueryResult.Data(node.data(), node.stat());
        }
        if (query instanceof Query.Exists q) {
            notNull(q.path());
            if (q.path().indexOf('\0') >= 0) throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
            Znode node = tree.get(stored(q.path()));
            if (node != null) AclPolicy.check(node.acl(), Perms.READ, ids);
            if (q.watch()) watch(WatchKind.DATA, q.path(), watcher);
            if (node == null) throw new KeeperError(ErrorCode.NO_NODE);
            return new QueryResult.NodeStat(node.stat());
        }
        if (query instanceof Query.GetChildren q) {
            Znode node = readable(q.path(), ids);
            if (q.watch()) watch(WatchKind.CHILD, q.path(), watcher);
            return new QueryResult.Children(node.childrenInZooKeeperOrder(), node.stat());
        }
        if (query instanceof Query.GetAcl q) {
            notNull(q.path());
            Znode node = tree.get(stored(q.path()));
            if (node == null) throw new KeeperError(ErrorCode.NO_NODE);
            AclPolicy.check(node.acl(), Perms.READ | Perms.ADMIN, ids);
            List<Acl> acl = AclPolicy.permits(node.acl(), Perms.ADMIN, ids) ? node.acl() : AclPolicy.redacted(node.acl());
            return new QueryResult.AclList(acl, node.stat());
        }
        if (query instanceof Query.GetEphemerals q) {
            List<String> out = new ArrayList<>();
            String prefix = q.prefixPath();
            for (String path : tree.ephemeralsOf(sessionId)) {
                if (prefix.equals("/") || path.startsWith(prefix)) out.add(path);
            }
            return new QueryResult.Paths(out);
        }
        if (query instanceof Query.GetAllChildrenNumber q) {
            readable(q.path(), ids);
            return new QueryResult.Count(tree.descendantCount(stored(q.path())));
        }
        if (query instanceof Query.MultiRead q) {
            List<QueryResult> results = new ArrayList<>(q.ops().size());
            for (Query op : q.ops()) {
                if (!(op instanceof Query.GetData) && !(op instanceof Query.GetChildren)) {
                    throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "only getData and getChildren in multiRead");
                }
                results.add(answer(op, sessionId, ids, watcher));
            }
            return new QueryResult.Multi(results);
        }
        if (query instanceof Query.SetWatches q) {
            long wanted = (long) q.dataWatches().size() + q.existWatches().size() + q.childWatches().size()
                    + q.persistentWatches().size() + q.recursiveWatches().size();
            if (watches.countOf(watcher) + wanted > maxWatchesPerSession) throw new KeeperError(ErrorCode.THROTTLED_OP, "watch limit");
            setWatches(q, watcher);
            return new QueryResult.Done();
        }
        if (query instanceof Query.AddWatch q) {
            // ZooKeeper registers a watch on a null path (it can never fire) and answers OK.
            if (q.path() == null) return new QueryResult.Done();
            // ZooKeeper fails to decode an unknown mode and answers a marshalling error.
            if (q.mode() != 0 && q.mode() != 1) throw new KeeperError(ErrorCode.MARSHALLING_ERROR, "addWatch mode " + q.mode());
            watch(q.mode() == 0 ? WatchKind.PERSISTENT : WatchKind.RECURSIVE, q.path(), watcher);
            return new QueryResult.Done();
        }
        Query.RemoveWatches q = (Query.RemoveWatches) query;
        if (!removeWatches(q, watcher)) throw new KeeperError(ErrorCode.NO_WATCHER);
        return new QueryResult.Done();
    }

    /**
     * The node a read names. ZooKeeper looks paths up as they come, unchecked: a path with a NUL
     * character is simply not there (NoNode), and "" is the root, which it keeps under both names.
     * A watch is still set on the path as sent, as on ZooKeeper (so one on "" never fires).
     */
    private Znode readable(String path, List<AuthId> ids) throws KeeperError {
        notNull(path);
        Znode node = tree.get(stored(path));
        if (node == null) throw new KeeperError(ErrorCode.NO_NODE);
        AclPolicy.check(node.acl(), Perms.READ, ids);
        return node;
    }

    private static String stored(String path) {
        return path.isEmpty() ? "/" : path;
    }

    /** ZooKeeper fails on a null path with an exception it answers as a marshalling error. */
    private static void notNull(String path) throws KeeperError {
        if (path == null) throw new KeeperError(ErrorCode.MARSHALLING_ERROR);
    }

    /** ZooKeeper's replay: events it fires carry zxid -1, as ZooKeeper's do. */
    private void setWatches(Query.SetWatches q, Watcher watcher) {
        long rel = q.relativeZxid();
        for (String path : q.dataWatches()) {
            Znode node = tree.get(path);
            if (node == null) watcher.process(new WatchEvent(EventType.NODE_DELETED, path, -1));
            else if (node.mzxid() > rel) watcher.process(new WatchEvent(EventType.NODE_DATA_CHANGED, path, -1));
            else watches.add(WatchKind.DATA, path, watcher);
        }
        for (String path : q.existWatches()) {
            if (tree.get(path) != null) watcher.process(new WatchEvent(EventType.NODE_CREATED, path, -1));
            else watches.add(WatchKind.DATA, path, watcher);
        }
        for (String path : q.childWatches()) {
            Znode node = tree.get(path);
            if (node == null) watcher.process(new WatchEvent(EventType.NODE_DELETED, path, -1));
            else if (node.pzxid() > rel) watcher.process(new WatchEvent(EventType.NODE_CHILDREN_CHANGED, path, -1));
            else watches.add(WatchKind.CHILD, path, watcher);
        }
        for (String path : q.persistentWatches()) watches.add(WatchKind.PERSISTENT, path, watcher);
        for (String path : q.recursiveWatches()) watches.add(WatchKind.RECURSIVE, path, watcher);
    }

    private boolean removeWatches(Query.RemoveWatches q, Watcher watcher) {
        WatchKind[] kinds = switch (q.type()) {
            case 1 -> new WatchKind[]{WatchKind.CHILD};
            case 2 -> new WatchKind[]{WatchKind.DATA};
            case 3 -> WatchKind.values();
            case 4 -> new WatchKind[]{WatchKind.PERSISTENT};
            case 5 -> new WatchKind[]{WatchKind.RECURSIVE};
            default -> new WatchKind[0];
        };
        boolean found = false;
        for (WatchKind k : kinds) {
            found |= q.checkOnly() ? watches.contains(k, q.path(), watcher) : watches.remove(k, q.path(), watcher);
        }
        return found;
    }
}
