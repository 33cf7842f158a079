package dev.meerkat.it.durability;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A node restarted on its data directory has everything it acknowledged, through snapshots and the log. */
class RestartRecoveryTest {

    private static ServerConfig config(Path dir, int snapCount) {
        return Meerkat.embeddedConfig(dir).withSnapshots(snapCount, 3);
    }

    private static ZooKeeper connect(Meerkat m) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(m.connectString(), 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
        });
        assertThat(up.await(10, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    private static List<Path> snapshotFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("snapshots"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".snap")).sorted().toList();
        }
    }

    @Test
    void enoughLogBytesStartASnapshotBeforeSnapCountEntries(@TempDir Path dir) throws Exception {
        byte[] kilobyte = new byte[1024];
        ServerConfig small = config(dir, 1_000_000).withSnapSizeLimitBytes(64 * 1024);
        try (Meerkat m = Meerkat.start(small)) {
            ZooKeeper zk = connect(m);
            for (int i = 0; i < 100; i++) zk.create("/big" + i, kilobyte, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !snapshotFiles(dir).isEmpty());
            zk.close();
        }
        try (Meerkat m = Meerkat.start(small)) {
            ZooKeeper zk = connect(m);
            for (int i = 0; i < 100; i++) assertThat(zk.getData("/big" + i, false, null)).as("/big" + i).hasSize(1024);
            zk.close();
        }
    }

    @Test
    void dataSurvivesRestartFromLogAlone(@TempDir Path dir) throws Exception {
        long lastZxid;
        try (Meerkat m = Meerkat.start(config(dir, 1_000_000))) {
            ZooKeeper zk = connect(m);
            for (int i = 0; i < 50; i++) zk.create("/n" + i, ("v" + i).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.setData("/n7", "changed".getBytes(), 0);
            lastZxid = zk.exists("/n7", false).getMzxid();
            zk.close();
        }
        try (Meerkat m = Meerkat.start(config(dir, 1_000_000))) {
            ZooKeeper zk = connect(m);
            assertThat(zk.getChildren("/", false)).hasSize(51);
            Stat stat = new Stat();
            assertThat(new String(zk.getData("/n7", false, stat))).isEqualTo("changed");
            assertThat(stat.getVersion()).isEqualTo(1);
            assertThat(stat.getMzxid()).isEqualTo(lastZxid);
            // New writes continue the zxid sequence instead of restarting it.
            zk.create("/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(zk.exists("/after", false).getCzxid()).isGreaterThan(lastZxid);
            zk.close();
        }
    }

    @Test
    void snapshotsAreTakenAndRecoveryFallsBackWhenTheNewestIsDamaged(@TempDir Path dir) throws Exception {
        try (Meerkat m = Meerkat.start(config(dir, 100))) {
            ZooKeeper zk = connect(m);
            for (int i = 0; i < 450; i++) zk.create("/s", ("v" + i).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            zk.close();
        }
        List<Path> snaps = snapshotFiles(dir);
        assertThat(snaps).hasSizeBetween(2, 3);

        try (Meerkat m = Meerkat.start(config(dir, 100))) {
            ZooKeeper zk = connect(m);
            assertThat(zk.getChildren("/", false)).hasSize(451);
            zk.close();
        }

        // Damage the newest snapshot: recovery must use an older one plus the log, losing nothing.
        Path newest = snapshotFiles(dir).get(snapshotFiles(dir).size() - 1);
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }
        try (Meerkat m = Meerkat.start(config(dir, 100))) {
            ZooKeeper zk = connect(m);
            List<String> children = zk.getChildren("/", false);
            assertThat(children).hasSize(451).contains("s0000000449");
            zk.create("/s", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            assertThat(zk.getChildren("/", false)).contains("s0000000450");
            zk.close();
        }
    }

    @Test
    void sessionSurvivesRestartSoItsEphemeralsStayWhenTheClientComesBack(@TempDir Path dir) throws Exception {
        long sessionId;
        byte[] password;
        try (Meerkat m = Meerkat.start(config(dir, 1_000_000))) {
            ZooKeeper zk = connect(m);
            zk.create("/eph", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            sessionId = zk.getSessionId();
            password = zk.getSessionPasswd();
            // Not closed: the client just vanishes with the server.
        }
        try (Meerkat m = Meerkat.start(config(dir, 1_000_000))) {
            CountDownLatch up = new CountDownLatch(1);
            ZooKeeper again = new ZooKeeper(m.connectString(), 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
            }, sessionId, password);
            assertThat(up.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(again.getSessionId()).isEqualTo(sessionId);
            assertThat(again.exists("/eph", false).getEphemeralOwner()).isEqualTo(sessionId);
            again.close();
        }
    }
}
