package dev.meerkat.it.cluster;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writers, each a session of the official client on a multi-server connect string, creating
 * nodes under {@code /load} and setting each one's data once. Every acknowledged write is
 * recorded with the Stat the server answered; a write whose answer never came (connection loss)
 * is recorded as uncertain, and its node is never written again, so that the expected end state of
 * every other node is exact.
 */
public final class WriteLoad implements AutoCloseable {
    /** What the server acknowledged for one node: the create's czxid, then (if set) version 1 and its mzxid. */
    record Acked(long czxid, int version, long mzxid) {
    }

    private final List<ZooKeeper> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    final Map<String, Acked> acked = new ConcurrentHashMap<>();
    final Set<String> uncertain = ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<Long> ackNanos = new ConcurrentLinkedQueue<>();
    final AtomicInteger expiredSessions = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

    public WriteLoad(String connectString, int writers, int sessionTimeoutMs) throws Exception {
        ZooKeeper setup = connect(connectString, sessionTimeoutMs);
        try {
            setup.create("/load", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException ignored) {
            // a second load on the same ensemble
        }
        setup.close();
        for (int k = 0; k < writers; k++) {
            ZooKeeper zk = connect(connectString, sessionTimeoutMs);
            clients.add(zk);
            int writer = k;
            Thread t = new Thread(() -> run(zk, writer), "writer-" + k);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private ZooKeeper connect(String connectString, int sessionTimeoutMs) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, sessionTimeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
            if (e.getState() == Watcher.Event.KeeperState.Expired) expiredSessions.incrementAndGet();
        });
        if (!connected.await(30, TimeUnit.SECONDS)) throw new AssertionError("writer could not connect to " + connectString);
        return zk;
    }

    private void run(ZooKeeper zk, int writer) {
        byte[] data = "v".repeat(100).getBytes(StandardCharsets.US_ASCII);
        String previous = null;
        for (int i = 0; !stop.get(); i++) {
            String path = "/load/w" + writer + "-" + i;
            try {
                Stat stat = new Stat();
                zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
                acked.put(path, new Acked(stat.getCzxid(), 0, stat.getMzxid()));
                ackNanos.add(System.nanoTime());
            } catch (KeeperException.ConnectionLossException | KeeperException.SessionMovedException e) {
                uncertain.add(path);
                continue;
            } catch (KeeperException e) {
                errors.incrementAndGet();
                unexpected.add(path + ": " + e);
                continue;
            } catch (InterruptedException e) {
                return;
            }
            if (previous != null && i % 3 == 0 && !uncertain.contains(previous)) {
                try {
                    Stat stat = zk.setData(previous, data, 0);
                    Acked created = acked.get(previous);
                    acked.put(previous, new Acked(created.czxid(), stat.getVersion(), stat.getMzxid()));
                    ackNanos.add(System.nanoTime());
                } catch (KeeperException.ConnectionLossException | KeeperException.SessionMovedException e) {
                    uncertain.add(previous);
                } catch (KeeperException e) {
                    errors.incrementAndGet();
                    unexpected.add(previous + ": " + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
            previous = path;
        }
    }

    /** ZooKeeper.updateServerList on every writer: what an application does when the ensemble's configuration changes. */
    public void updateServerList(String connectString) throws java.io.IOException {
        for (ZooKeeper zk : clients) zk.updateServerList(connectString);
    }

    public int ackCount() {
        return ackNanos.size();
    }

    /** Writes acknowledged at or after {@code fromNanos}. */
    public int acksAfter(long fromNanos) {
        int n = 0;
        for (long t : ackNanos) if (t >= fromNanos) n++;
        return n;
    }

    public int expired() {
        return expiredSessions.get();
    }

    /**
     * The longest time, from {@code fromNanos} on, with no write acknowledged by anyone: from
     * {@code fromNanos} to the first ack after it, or between two acks after it.
     */
    public long longestStallMillis(long fromNanos, long untilNanos) {
        List<Long> times = new ArrayList<>(ackNanos);
        Collections.sort(times);
        long last = fromNanos;
        long longest = 0;
        for (long t : times) {
            if (t < fromNanos) continue;
            if (t > untilNanos) break;
            longest = Math.max(longest, t - last);
            last = t;
        }
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    /** From {@code fromNanos} to the first acknowledged write after it, in milliseconds (-1: none). */
    public long firstAckAfterMillis(long fromNanos) {
        long first = Long.MAX_VALUE;
        for (long t : ackNanos) if (t >= fromNanos) first = Math.min(first, t);
        return first == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(first - fromNanos);
    }

    public void stopWriting() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) t.join(30_000);
    }

    @Override
    public void close() throws InterruptedException {
        stopWriting();
        for (ZooKeeper zk : clients) zk.close();
    }
}
