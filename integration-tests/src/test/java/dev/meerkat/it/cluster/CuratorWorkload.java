package dev.meerkat.it.cluster;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Curator application does on a coordinator: two clients take turns holding a lock to add
 * one to a counter, and run a leader latch. Curator's EnsembleTracker (on by default) follows the
 * ensemble's configuration, so the clients keep working when servers are replaced. A lost session
 * is the failure this counts; a suspended connection is not.
 */
public final class CuratorWorkload implements AutoCloseable {
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final List<LeaderLatch> latches = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger increments = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    public CuratorWorkload(String connectString) throws Exception {
        for (int i = 0; i < 2; i++) {
            CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connectString).sessionTimeoutMs(10_000)
                    .connectionTimeoutMs(10_000).retryPolicy(new ExponentialBackoffRetry(100, 20, 2_000))
                    .connectionStateErrorPolicy(new org.apache.curator.framework.state.SessionConnectionStateErrorPolicy()).build();
            c.getConnectionStateListenable().addListener((client, state) -> {
                if (state == ConnectionState.LOST) lost.incrementAndGet();
            });
            c.start();
            if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) throw new AssertionError("Curator could not connect to " + connectString);
            clients.add(c);
        }
        try {
            clients.get(0).create().creatingParentsIfNeeded().forPath("/curator/counter", "0".getBytes(StandardCharsets.US_ASCII));
        } catch (org.apache.zookeeper.KeeperException.NodeExistsException ignored) {
            // shared with another workload
        }
        for (int i = 0; i < 2; i++) {
            LeaderLatch latch = new LeaderLatch(clients.get(i), "/curator/latch", "c" + i);
            latch.start();
            latches.add(latch);
            CuratorFramework c = clients.get(i);
            Thread t = new Thread(() -> lockLoop(c), "curator-lock-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void lockLoop(CuratorFramework c) {
        InterProcessMutex lock = new InterProcessMutex(c, "/curator/lock");
        while (!stop.get()) {
            try {
                if (!lock.acquire(20, TimeUnit.SECONDS)) continue;
                try {
                    int n = Integer.parseInt(new String(c.getData().forPath("/curator/counter"), StandardCharsets.US_ASCII));
                    c.setData().forPath("/curator/counter", Integer.toString(n + 1).getBytes(StandardCharsets.US_ASCII));
                    increments.incrementAndGet();
                } finally {
                    lock.release();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // A connection loss mid-way: Curator retries; an operation that gave up is recorded, not fatal here.
                if (!stop.get()) errors.add(e.toString());
            }
        }
    }

    /** Exactly one latch leads (once it has settled). */
    public boolean oneLeader() {
        return latches.get(0).hasLeadership() != latches.get(1).hasLeadership();
    }

    public int increments() {
        return increments.get();
    }

    public int sessionsLost() {
        return lost.get();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** The counter as the ensemble holds it: every increment made under the lock, none twice. */
    public int counter() throws Exception {
        return Integer.parseInt(new String(clients.get(0).getData().forPath("/curator/counter"), StandardCharsets.US_ASCII));
    }

    public void stopWorking() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) t.join(30_000);
    }

    @Override
    public void close() throws Exception {
        stopWorking();
        for (LeaderLatch l : latches) l.close();
        for (CuratorFramework c : clients) c.close();
    }
}
