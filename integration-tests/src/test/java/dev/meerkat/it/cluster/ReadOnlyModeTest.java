package dev.meerkat.it.cluster;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read-only mode ({@code readonlymode.enabled}) side by side with ZooKeeper 3.9.5: a server cut
 * off from its quorum keeps answering reads to clients that allow it, refuses their writes with
 * NOTREADONLY, refuses clients that do not allow it, and goes back to read-write when the quorum
 * returns.
 */
class ReadOnlyModeTest {

    /** What the test needs of either ensemble. */
    private interface Cluster extends AutoCloseable {
        void kill(int id);

        void restart(int id) throws Exception;

        String connectString(int id);

        String fourLetterWord(int id, String word);

        String mode(int id);
    }

    @Test
    void aServerWithoutItsQuorumServesReadsLikeZooKeeper() throws Exception {
        Path dir = RunDirs.fresh("read-only");
        List<String> zk;
        ZooKeeperEnsemble z = ZooKeeperEnsemble.start(3, 500, mkdir(dir.resolve("zk")),
                // ZooKeeper has read-only sessions only as local sessions (its admin guide says so).
                List.of("-Dreadonlymode.enabled=true", "localSessionsEnabled=true"));
        try (Cluster c = new Cluster() {
            public void kill(int id) { z.kill(id); }
            public void restart(int id) throws Exception { z.restart(id); }
            public String connectString(int id) { return z.connectString(id); }
            public String fourLetterWord(int id, String word) { return z.fourLetterWord(id, word); }
            public String mode(int id) { return z.mode(id); }
            public void close() { z.close(); }
        }) {
            zk = observe("zookeeper", c);
        }
        List<String> meerkat;
        MeerkatEnsemble m = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withConfig("readonlymode.enabled=true"), mkdir(dir.resolve("meerkat")));
        try (Cluster c = new Cluster() {
            public void kill(int id) { m.kill(id); }
            public void restart(int id) throws Exception { m.restart(id); }
            public String connectString(int id) { return m.connectString(id); }
            public String fourLetterWord(int id, String word) { return m.fourLetterWord(id, word); }
            public String mode(int id) { return m.mode(id); }
            public void close() { m.close(); }
        }) {
            meerkat = observe("meerkat", c);
        }
        assertThat(meerkat).isEqualTo(zk).contains(
                "isro: ro", "mode: read-only", "read-only client: ConnectedReadOnly", "getData: before",
                "create: NOTREADONLY", "setData: NOTREADONLY", "delete: NOTREADONLY", "sync: NOTREADONLY",
                "read-write client connected: false", "isro after healing: rw", "write after healing: ok");
    }

    private static Path mkdir(Path p) throws Exception {
        java.nio.file.Files.createDirectories(p);
        return p;
    }

    private static List<String> observe(String name, Cluster c) throws Exception {
        List<String> seen = new ArrayList<>();
        int survivor = 3;
        try (ZooKeeper rw = EnsembleSmokeTest.connect(c.connectString(survivor))) {
            rw.create("/ro", "before".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            rw.create("/ro/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        seen.add("isro before: " + c.fourLetterWord(survivor, "isro").strip());

        long cutNanos = System.nanoTime();
        c.kill(1);
        c.kill(2);
        await("read-only mode on the survivor").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> c.fourLetterWord(survivor, "isro").strip().equals("ro"));
        long readOnlyAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutNanos);
        seen.add("isro: ro");
        seen.add("mode: " + c.mode(survivor));

        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        long connectNanos = System.nanoTime();
        ZooKeeper ro = new ZooKeeper(c.connectString(survivor), 6000, (WatchedEvent e) -> {
            if (e.getType() == org.apache.zookeeper.Watcher.Event.EventType.None) {
                states.add(e.getState());
                System.out.println("[read-only] " + name + ": client state " + e.getState() + " at " + java.time.LocalTime.now());
            }
        }, true);
        try {
            KeeperState first = states.poll(30, TimeUnit.SECONDS);
            long connectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectNanos);
            seen.add("read-only client: " + first);
            seen.add("getData: " + new String(ro.getData("/ro", false, null), StandardCharsets.UTF_8));
            seen.add("getChildren: " + ro.getChildren("/ro", false));
            seen.add("exists missing: " + ro.exists("/ro/none", false));
            seen.add("create: " + code(() -> ro.create("/ro/new", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
            seen.add("create ephemeral: " + code(() -> ro.create("/ro/eph", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL)));
            seen.add("setData: " + code(() -> ro.setData("/ro", new byte[1], -1)));
            seen.add("delete: " + code(() -> {
                ro.delete("/ro/child", -1);
                return null;
            }));
            seen.add("sync: " + syncCode(ro));
            seen.add("getData after refusals: " + new String(ro.getData("/ro", false, null), StandardCharsets.UTF_8));

            // A client that does not allow read-only mode is not let in.
            CountDownLatch rwConnected = new CountDownLatch(1);
            try (ZooKeeper refused = new ZooKeeper(c.connectString(survivor), 6000, e -> {
                if (e.getState() == KeeperState.SyncConnected) rwConnected.countDown();
            })) {
                seen.add("read-write client connected: " + rwConnected.await(3, TimeUnit.SECONDS));
            }

            long healNanos = System.nanoTime();
            c.restart(1);
            c.restart(2);
            KeeperState next;
            do {
                next = states.poll(60, TimeUnit.SECONDS);
                assertThat(next).as(name + ": the read-only client's next state").isNotNull();
            } while (next != KeeperState.SyncConnected);
            long rwAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healNanos);
            seen.add("isro after healing: " + c.fourLetterWord(survivor, "isro").strip());
            ro.create("/ro/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            seen.add("write after healing: ok");
            System.out.printf("[read-only] %s: read-only after %d ms without quorum, read-only client connected in %d ms, read-write again %d ms after the restarts%n",
                    name, readOnlyAfterMs, connectMs, rwAfterMs);
        } finally {
            ro.close();
        }
        System.out.println("[read-only] " + name + ": " + seen);
        return seen;
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static String code(Call call) throws Exception {
        try {
            call.run();
            return "ok";
        } catch (KeeperException e) {
            return e.code() == KeeperException.Code.NOTREADONLY ? "NOTREADONLY" : e.code().name();
        }
    }

    private static String syncCode(ZooKeeper zk) throws Exception {
        CompletableFuture<Integer> rc = new CompletableFuture<>();
        zk.sync("/ro", (code, path, ctx) -> rc.complete(code), null);
        int code = rc.get(30, TimeUnit.SECONDS);
        return code == 0 ? "ok" : code == KeeperException.Code.NOTREADONLY.intValue() ? "NOTREADONLY" : KeeperException.Code.get(code).name();
    }
}
