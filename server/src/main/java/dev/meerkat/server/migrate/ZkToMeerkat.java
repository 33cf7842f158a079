package dev.meerkat.server.migrate;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.api.Stat;
import dev.meerkat.core.api.ZnodeType;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.server.migrate.zookeeper.ZkTree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A recovered ZooKeeper tree as Meerkat state, through Meerkat's own {@link DataTree#restore} (so
 * that whatever the snapshot format becomes, the import writes it).
 *
 * <p>Every znode keeps its data, ACL, czxid, mzxid, pzxid, ctime, mtime, version, aversion and
 * owner kind (persistent, container, TTL); cversion is converted from ZooKeeper's stored count of
 * child creations to the creations-plus-deletions every client sees (and Meerkat stores). The
 * sessions must be gone already ({@link ZkTree#expireAllSessions}): Meerkat state has none. The
 * result is deterministic: the same tree gives the same state, built in the same order.
 */
final class ZkToMeerkat {
    private static final String CONFIG = "/zookeeper/config";
    /** ZooKeeper's and Meerkat's default jute.maxbuffer. */
    private static final int JUTE_MAXBUFFER_DEFAULT = 0xfffff;

    /** {@code latestTime}: the newest ctime or mtime of any znode, in epoch milliseconds (0 for none). */
    record Converted(StateMachine stateMachine, long dataBytes, long latestTime, List<String> notes) {
        /** The index of the Meerkat snapshot: the tree's last zxid. */
        long index() {
            return stateMachine.lastApplied();
        }
    }

    private ZkToMeerkat() {
    }

    static Converted convert(ZkTree zk) {
        DataTree tree = DataTree.empty();
        List<String> notes = new ArrayList<>();
        long[] totals = new long[3];
        zk.forEachParentsFirst((path, n) -> {
            byte[] data = n.data();
            totals[0] += data == null ? 0 : data.length;
            totals[1] = Math.max(totals[1], Math.max(n.ctime(), n.mtime()));
            if (data != null) totals[2] = Math.max(totals[2], data.length);
            if (ZnodeType.isEphemeralOwner(n.ephemeralOwner())) {
                throw new IllegalStateException("ephemeral znode " + path + " left after every session ended");
            }
            if (path.equals(CONFIG) && data != null && data.length > 0) {
                // ZooKeeper's ensemble membership (dynamic reconfig) describes the old servers, not Meerkat's.
                notes.add(CONFIG + " held ZooKeeper's ensemble configuration (" + data.length + " bytes); Meerkat serves its own there");
                restoreFreshConfig(tree);
                return;
            }
            tree.restore(path, data, n.acl(), new Stat(n.czxid(), n.mzxid(), n.ctime(), n.mtime(), n.version(), n.reportedCversion(),
                    n.aversion(), n.ephemeralOwner(), data == null ? 0 : data.length, n.childCount(), n.pzxid()));
        });
        long bytes = totals[0];
        long latest = totals[1];
        if (totals[2] > JUTE_MAXBUFFER_DEFAULT) {
            notes.add("the largest znode holds " + totals[2] + " bytes, more than clients may read by default: set jute.maxbuffer"
                    + " to at least " + (totals[2] + 1024) + " in Meerkat's zoo.cfg (as it was set for ZooKeeper)");
        }
        if (tree.get(CONFIG) == null && tree.get("/zookeeper") != null) {
            notes.add(CONFIG + " was missing (a ZooKeeper 3.4 snapshot); added as ZooKeeper 3.5+ and Meerkat have it");
            restoreFreshConfig(tree);
        }
        StateMachine sm = new StateMachine(tree, new HashMap<>(), zk.lastProcessedZxid());
        return new Converted(sm, bytes, latest, notes);
    }

    private static void restoreFreshConfig(DataTree tree) {
        tree.restore(CONFIG, new byte[0], List.of(new Acl(Perms.READ, AuthId.ANYONE)), new Stat(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0));
    }
}
