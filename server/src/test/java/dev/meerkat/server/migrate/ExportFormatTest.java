package dev.meerkat.server.migrate;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.api.Stat;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.tree.PathRules;
import dev.meerkat.core.tree.Znode;
import dev.meerkat.server.migrate.zookeeper.ZkFiles;
import dev.meerkat.server.migrate.zookeeper.ZkRecovery;
import dev.meerkat.server.migrate.zookeeper.ZkSnapshotWriter;
import org.apache.zookeeper.data.StatPersisted;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot the export writes, loaded by ZooKeeper 3.9.5's own code: every znode with its data,
 * ACL and stored stat (cversion back to ZooKeeper's count of creations), and a digest ZooKeeper
 * agrees with, so it loads without a mismatch.
 */
class ExportFormatTest {
    private static final long SESSION = (1L << 56) | 1;
    private static final List<Acl> DIGEST = List.of(new Acl(Perms.ALL, new AuthId("digest", "alice:abc=")),
            new Acl(Perms.READ, AuthId.ANYONE));

    static {
        // ZooKeeper tells TTL nodes from sessions' ephemerals only with extended types on, as a TTL user runs it.
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
    }

    @TempDir
    Path dir;

    private final StateMachine sm = new StateMachine();
    private long zxid;
    private long time = 1_700_000_000_000L;

    private OpResult write(WriteOp op) {
        return sm.apply(++zxid, new Proposal(time += 7, 0, 0, new Command.ClientWrite(SESSION, List.of(AuthId.SUPER), op))).result();
    }

    private void create(String path, byte[] data, List<Acl> acl, CreateMode mode, long ttl) {
        assertThat(write(new WriteOp.Create(path, data, acl, mode, ttl))).isNotInstanceOf(OpResult.Error.class);
    }

    @Test
    void zooKeeperLoadsTheExportedTreeFieldByField() throws Exception {
        sm.apply(++zxid, new Proposal(time, 0, 0, new Command.CreateSession(30_000, new byte[16])));
        create("/a", "a".getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1);
        create("/a/b", null, DIGEST, CreateMode.PERSISTENT, -1);
        for (int i = 0; i < 9; i++) create("/a/b/s-", new byte[]{(byte) i}, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, -1);
        for (int i = 0; i < 9; i += 2) assertThat(write(new WriteOp.Delete(String.format("/a/b/s-%010d", i), -1, false))).isNotInstanceOf(OpResult.Error.class);
        create("/c", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.CONTAINER, -1);
        create("/c/kept", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1);
        create("/t", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, 60_000);
        for (int i = 0; i < 5; i++) write(new WriteOp.SetData("/a", ("v" + i).getBytes(StandardCharsets.UTF_8), -1));
        write(new WriteOp.SetAcl("/a", DIGEST, -1));
        write(new WriteOp.Multi(List.of(new WriteOp.Create("/m", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1),
                new WriteOp.SetData("/m", "x".getBytes(StandardCharsets.UTF_8), 0))));

        Path version2 = Files.createDirectories(dir.resolve(ZkFiles.VERSION_DIR));
        long digest = ZkSnapshotWriter.write(Export.source(sm.tree()), zxid, version2.resolve(ZkFiles.snapshotName(zxid)), n -> { });

        FileTxnSnapLog snapLog = new FileTxnSnapLog(dir.toFile(), dir.toFile());
        DataTree dt = new DataTree();
        long loaded;
        try {
            loaded = snapLog.restore(dt, new ConcurrentHashMap<>(), (h, r, d) -> { });
        } finally {
            snapLog.close();
        }
        assertThat(loaded).isEqualTo(zxid);
        assertThat(dt.getDigestFromLoadedSnapshot()).as("the digest was compared (and consumed) on load").isNull();
        assertThat(dt.getTreeDigest()).as("ZooKeeper's digest of what it loaded is the one the export wrote").isEqualTo(digest);

        int count = 0;
        ArrayDeque<String> todo = new ArrayDeque<>(List.of("/"));
        while (!todo.isEmpty()) {
            String p = todo.poll();
            Znode m = sm.tree().get(p);
            DataNode n = dt.getNode(p);
            assertThat(n).as(p).isNotNull();
            Stat s = m.stat();
            StatPersisted z = n.stat;
            assertThat(n.getData()).as(p).isEqualTo(m.data());
            assertThat(dt.getACL(n).stream().map(a -> a.getPerms() + ":" + a.getId().getScheme() + ":" + a.getId().getId()).toList())
                    .as(p).isEqualTo(m.acl().stream().map(a -> a.perms() + ":" + a.id().scheme() + ":" + a.id().id()).toList());
            assertThat(List.of(z.getCzxid(), z.getMzxid(), z.getCtime(), z.getMtime(), (long) z.getVersion(), (long) z.getAversion(),
                    z.getEphemeralOwner(), z.getPzxid())).as(p).isEqualTo(List.of(s.czxid(), s.mzxid(), s.ctime(), s.mtime(),
                    (long) s.version(), (long) s.aversion(), s.ephemeralOwner(), s.pzxid()));
            org.apache.zookeeper.data.Stat client = new org.apache.zookeeper.data.Stat();
            n.copyStat(client);
            assertThat(client.getCversion()).as("cversion clients see at " + p).isEqualTo(s.cversion());
            assertThat(n.getChildren()).as(p).containsExactlyInAnyOrderElementsOf(m.children());
            for (String c : m.children()) todo.add(PathRules.child(p, c));
            count++;
        }
        assertThat(count).isEqualTo(sm.tree().size());
        assertThat(dt.getContainers()).containsExactly("/c");
        assertThat(dt.getTtls()).containsExactly("/t");

        // And our own reader gets the same back: the export and the import are inverse.
        ZkRecovery.Result back = new ZkRecovery(version2, version2, new ZkRecovery.Options(false), new ZkRecovery.Progress() {
            public void phase(String name, long totalBytes) {
            }

            public void advance(long bytesDone, long txns) {
            }
        }).recover();
        List<String> roundTrip = new ArrayList<>();
        List<String> original = new ArrayList<>();
        for (String p : back.tree().pathsParentsFirst()) {
            roundTrip.add(p + " " + back.tree().get(p).reportedCversion() + " " + back.tree().get(p).version());
            original.add(p + " " + sm.tree().get(p).cversion() + " " + sm.tree().get(p).version());
        }
        assertThat(roundTrip).hasSize(sm.tree().size()).isEqualTo(original);
        assertThat(back.tree().digest()).isEqualTo(digest);
    }
}
