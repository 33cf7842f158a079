package dev.meerkat.it.hardening;

import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Official ZooKeeper clients for the hardening tests, each with its own configuration (nothing JVM-wide). */
public final class Clients {
    static final int TIMEOUT_MS = 15_000;

    private Clients() {
    }

    public static ZooKeeper connect(String cs) throws Exception {
        return connect(cs, new ZKClientConfig());
    }

    /** Connects and waits for SyncConnected; fails if the session is not up in time. */
    public static ZooKeeper connect(String cs, ZKClientConfig config) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(cs, TIMEOUT_MS, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
        }, config);
        if (!up.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            zk.close();
            throw new AssertionError("no session with " + cs);
        }
        return zk;
    }

    /** Latencies of {@code n} exists calls, in milliseconds, sorted. */
    public static long[] latencies(ZooKeeper zk, int n) throws Exception {
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            assertThat(zk.exists("/", false)).isNotNull();
            ms[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
        java.util.Arrays.sort(ms);
        return ms;
    }
}
