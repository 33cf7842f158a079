package dev.meerkat.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same workloads as {@link LeanLoad} (same paths, same mix syntax), driven by the official
 * ZooKeeper 3.9.5 client: one {@code ZooKeeper} object (connection, session, two threads) per
 * client, async API, at most {@code inFlight} requests outstanding each. Closed loop only.
 */
public final class OfficialLoad {
    private final String connect;
    private final byte[] value;
    private final long[] created;
    private final long[] deleted;

    /** Shares the lean generator's per-slot create and delete counters, so either one's deletes find the other's nodes. */
    public OfficialLoad(String connect, LeanLoad lean) {
        this.connect = connect;
        this.value = lean.value();
        this.created = lean.created;
        this.deleted = lean.deleted;
    }

    public LeanLoad.Result run(Mix mix, int sessions, int inFlight, double warmupSec, double measureSec) throws Exception {
        List<ZooKeeper> clients = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                CountDownLatch up = new CountDownLatch(1);
                ZooKeeper zk = new ZooKeeper(connect, 30_000, e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
                });
                if (!up.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no session with " + connect);
                clients.add(zk);
            }
            Recorder recorder = new Recorder(TimeUnit.SECONDS.toMicros(120), 3);
            AtomicLong ops = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            AtomicLong lastReply = new AtomicLong();
            long now = System.nanoTime();
            long measureStart = now + (long) (warmupSec * 1e9);
            long measureEnd = measureStart + (long) (measureSec * 1e9);
            Thread[] drivers = new Thread[sessions];
            Semaphore[] permits = new Semaphore[sessions];
            for (int c = 0; c < sessions; c++) {
                int slot = c;
                ZooKeeper zk = clients.get(c);
                Semaphore permit = permits[c] = new Semaphore(inFlight);
                drivers[c] = new Thread(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    String prefix = LeanLoad.ROOT + "/s" + slot + "/n";
                    while (System.nanoTime() < measureEnd) {
                        try {
                            permit.acquire();
                        } catch (InterruptedException e) {
                            return;
                        }
                        long t0 = System.nanoTime();
                        Mix.Op op = mix.next(rnd);
                        String key = LeanLoad.ROOT + "/keys/k" + rnd.nextInt(LeanLoad.KEYS);
                        Reply reply = rc -> {
                            long t = System.nanoTime();
                            if (t >= measureStart && t < measureEnd) {
                                recorder.recordValue(Math.max(1, (t - t0) / 1000));
                                ops.incrementAndGet();
                                if (rc != 0) errors.incrementAndGet();
                                lastReply.accumulateAndGet(t, Math::max);
                            }
                            permit.release();
                        };
                        switch (op) {
                            case CREATE -> zk.create(prefix + (++created[slot]), value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                                    (rc, p, ctx, name) -> reply.done(rc), null);
                            case DELETE -> {
                                if (deleted[slot] >= created[slot]) {
                                    permit.release();
                                    return;
                                }
                                zk.delete(prefix + (++deleted[slot]), -1, (rc, p, ctx) -> reply.done(rc), null);
                            }
                            case SET_DATA -> zk.setData(key, value, -1, (rc, p, ctx, stat) -> reply.done(rc), null);
                            case GET_DATA -> zk.getData(key, false, (rc, p, ctx, data, stat) -> reply.done(rc), null);
                            case EXISTS -> zk.exists(key, false, (rc, p, ctx, stat) -> reply.done(rc), null);
                            case MULTI -> zk.multi(List.of(Op.check(key, -1), Op.setData(key, value, -1)),
                                    (rc, p, ctx, results) -> reply.done(rc), null);
                        }
                    }
                }, "official-load-" + c);
                drivers[c].start();
            }
            for (Thread t : drivers) t.join();
            for (Semaphore p : permits) {
                if (!p.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) throw new IllegalStateException("requests never answered");
            }
            Histogram h = recorder.getIntervalHistogram();
            double seconds = (Math.min(measureEnd, Math.max(lastReply.get(), measureStart + 1)) - measureStart) / 1e9;
            return new LeanLoad.Result(mix.name(), sessions, inFlight, ops.get() / seconds, ops.get(), errors.get(),
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                    h.getMaxValue() / 1e3);
        } finally {
            for (ZooKeeper zk : clients) zk.close();
        }
    }

    private interface Reply {
        void done(int rc);
    }
}
