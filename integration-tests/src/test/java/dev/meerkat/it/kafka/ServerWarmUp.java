package dev.meerkat.it.kafka;

import dev.meerkat.server.Meerkat;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the operations Kafka uses a few thousand times against a throwaway Meerkat and a throwaway
 * ZooKeeper, once per test JVM, so that neither backend's timings include its code being compiled
 * (whichever test class ran first used to pay for it).
 */
final class ServerWarmUp {
    private static boolean done;

    private ServerWarmUp() {
    }

    static synchronized void once() throws Exception {
        if (done) return;
        done = true;
        long t0 = System.nanoTime();
        try (Meerkat m = Meerkat.embedded()) {
            exercise(m.connectString());
        }
        try (TestingServer t = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 2000, -1), true)) {
            exercise("127.0.0.1:" + t.getPort());
        }
        KafkaTimings.note(String.format(java.util.Locale.ROOT, "Before the first scenario, both servers' code was warmed up in the test JVM "
                + "(%.1f s, the ZooKeeper operations Kafka uses, on throwaway servers): otherwise the first class pays for JIT compilation.",
                (System.nanoTime() - t0) / 1e9));
    }

    private static void exercise(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString + "/warm", 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + connectString);
            ZooKeeper root = new ZooKeeper(connectString, 10_000, e -> { });
            try {
                root.create("/warm", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } finally {
                root.close();
            }
            zk.create("/seq", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < 400; i++) {
                String p = "/n" + i;
                zk.create(p, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.exists(p, true);
                zk.setData(p, new byte[]{1}, 0);
                zk.getData(p, true, null);
                zk.getChildren("/", i % 50 == 0);
                zk.multi(List.of(Op.create(p + "/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.setData(p + "/e", new byte[]{2}, 0), Op.check(p, 1)));
                zk.create("/seq/s_", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                zk.create(p + "/eph", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                zk.delete(p + "/eph", -1);
            }
        } finally {
            zk.close();
        }
    }
}
