package dev.meerkat.it.ops;

import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Builds big trees quickly: pipelined asynchronous creates, a bounded number in flight. */
final class Trees {
    private Trees() {
    }

    /** Creates {@code count} znodes under /big (1000 per parent), with small data. */
    static void fill(ZooKeeper zk, int count) throws Exception {
        zk.create("/big", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Semaphore inFlight = new Semaphore(2000);
        AtomicReference<KeeperException.Code> failure = new AtomicReference<>();
        AsyncCallback.StringCallback done = (rc, path, ctx, name) -> {
            if (rc != 0) failure.compareAndSet(null, KeeperException.Code.get(rc));
            inFlight.release();
        };
        int parents = (count + 999) / 1000;
        for (int p = 0; p < parents; p++) {
            zk.create("/big/p" + p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int c = 0; c < 1000 && p * 1000 + c < count - parents - 1; c++) {
                if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) throw new IllegalStateException("creates stalled");
                zk.create("/big/p" + p + "/n" + c, "data".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, done, null);
            }
        }
        if (!inFlight.tryAcquire(2000, 120, TimeUnit.SECONDS)) throw new IllegalStateException("creates did not finish");
        if (failure.get() != null) throw new IllegalStateException("a create failed: " + failure.get());
    }
}
