package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.core.api.Acl;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.StatPersisted;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** ZooKeeper 3.9.5's own recovery of a data directory, and a field-by-field comparison with ours. */
final class ZkOracle {
    /** {@code digestMismatches}: how many transactions ZooKeeper itself found out of step with their recorded digest. */
    record Restored(DataTree tree, Map<Long, Integer> sessions, long zxid, long digestMismatches) {
    }

    private ZkOracle() {
    }

    static Restored restore(Path dataDir, Path logDir) throws Exception {
        FileTxnSnapLog snapLog = new FileTxnSnapLog(logDir.toFile(), dataDir.toFile());
        try {
            java.util.concurrent.atomic.AtomicLong mismatches = new java.util.concurrent.atomic.AtomicLong();
            DataTree dt = new DataTree() {
                @Override
                public void reportDigestMismatch(long zxid) {
                    mismatches.incrementAndGet();
                    super.reportDigestMismatch(zxid);
                }
            };
            ConcurrentHashMap<Long, Integer> sessions = new ConcurrentHashMap<>();
            long zxid = snapLog.restore(dt, sessions, (hdr, rec, digest) -> { });
            return new Restored(dt, sessions, zxid, mismatches.get());
        } finally {
            snapLog.close();
        }
    }

    /** path → "data | acl | stat" for every znode, as ZooKeeper holds it. */
    static Map<String, String> dump(DataTree dt) {
        Map<String, String> out = new TreeMap<>();
        List<String> todo = new ArrayList<>(List.of("/"));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            DataNode n = dt.getNode(p);
            StatPersisted s = n.stat;
            List<String> acl = new ArrayList<>();
            for (ACL a : dt.getACL(n)) acl.add(a.getPerms() + ":" + a.getId().getScheme() + ":" + a.getId().getId());
            out.put(p, line(n.getData(), acl, s.getCzxid(), s.getMzxid(), s.getCtime(), s.getMtime(), s.getVersion(), s.getCversion(),
                    s.getAversion(), s.getEphemeralOwner(), s.getPzxid(), n.getChildren().size()));
            for (String c : n.getChildren()) todo.add(p.equals("/") ? "/" + c : p + "/" + c);
        }
        return out;
    }

    static Map<String, String> dump(ZkTree tree) {
        Map<String, String> out = new TreeMap<>();
        for (String p : tree.pathsParentsFirst()) {
            ZkNode n = tree.get(p);
            List<String> acl = new ArrayList<>();
            for (Acl a : n.acl()) acl.add(a.perms() + ":" + a.id().scheme() + ":" + a.id().id());
            out.put(p, line(n.data(), acl, n.czxid(), n.mzxid(), n.ctime(), n.mtime(), n.version(), n.storedCversion(),
                    n.aversion(), n.ephemeralOwner(), n.pzxid(), n.childCount()));
        }
        return out;
    }

    private static String line(byte[] data, List<String> acl, long czxid, long mzxid, long ctime, long mtime, int version,
                               int cversion, int aversion, long owner, long pzxid, int children) {
        return (data == null ? "null" : Integer.toHexString(Arrays.hashCode(data)) + "/" + data.length) + " " + acl
                + String.format(" czxid=%x mzxid=%x ctime=%d mtime=%d v=%d cv=%d av=%d owner=%x pzxid=%x children=%d",
                czxid, mzxid, ctime, mtime, version, cversion, aversion, owner, pzxid, children);
    }

    static void assertSame(Restored zk, ZkRecovery.Result ours) {
        assertThat(dump(ours.tree())).containsExactlyEntriesOf(dump(zk.tree()));
        assertThat(ours.lastZxid()).as("last zxid").isEqualTo(zk.tree().lastProcessedZxid);
        assertThat(ours.tree().sessions()).as("sessions").isEqualTo(zk.sessions());
        assertThat(ours.tree().digest()).as("ZooKeeper's tree digest").isEqualTo(zk.tree().getTreeDigest());
    }
}
