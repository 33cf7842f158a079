package dev.meerkat.registry.probe;

import dev.meerkat.registry.model.ClusterView;
import dev.meerkat.registry.model.ProbeLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Checks registered brokers' advertised endpoints from a small pool of its own threads, never from
 * the tree thread or an event loop: at most {@code concurrency} checks at once, each bounded by
 * {@code timeoutMs}, at most one in flight per broker, and a bounded queue beyond which a round is
 * skipped rather than piled up.
 */
public final class ReachabilityProbe implements ProbeLookup, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReachabilityProbe.class);

    /** A broker registration: a new epoch is a new registration and gets probed afresh. */
    public record Target(String chroot, int brokerId, long epoch, List<String> endpoints, Map<String, String> protocols) {
    }

    private record Key(String chroot, int brokerId, long epoch) {
    }

    private final int timeoutMs;
    private final ThreadPoolExecutor pool;
    private final Map<Key, ClusterView.Probe> results = new ConcurrentHashMap<>();
    private final Set<Key> inFlight = ConcurrentHashMap.newKeySet();
    private final Consumer<String> changed;
    private final AtomicLong checks = new AtomicLong();
    private final AtomicLong checkNanos = new AtomicLong();
    private final AtomicLong checkCpuNanos = new AtomicLong();
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** @param changed told the chroot whose brokers' reachability changed (from a probe thread) */
    public ReachabilityProbe(int concurrency, int timeoutMs, Consumer<String> changed) {
        this.timeoutMs = timeoutMs;
        this.changed = changed;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "meerkat-kafka-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /** Queues a check of each target not already being checked; returns how many were queued. */
    public int submit(List<Target> targets) {
        int queued = 0;
        for (Target t : targets) {
            Key key = new Key(t.chroot(), t.brokerId(), t.epoch());
            if (!inFlight.add(key)) continue;
            try {
                pool.execute(() -> run(key, t));
                queued++;
            } catch (RejectedExecutionException e) {
                inFlight.remove(key);
                LOG.debug("probe queue full; {} waits for the next round", key);
            }
        }
        return queued;
    }

    /** Forgets registrations that are gone. */
    public void retain(Set<String> chroots, java.util.function.BiPredicate<String, Integer> registered) {
        results.keySet().removeIf(k -> !chroots.contains(k.chroot()) || !registered.test(k.chroot(), k.brokerId()));
    }

    private void run(Key key, Target t) {
        try {
            Endpoint e = Endpoint.best(t.endpoints(), t.protocols());
            long t0 = System.nanoTime();
            ClusterView.Probe result;
            if (e == null) {
                result = new ClusterView.Probe(String.join(",", t.endpoints()), false, "none", 0, "no usable endpoint", System.currentTimeMillis());
            } else {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                ApiVersionsCheck.Outcome o = ApiVersionsCheck.check(e.host(), e.port(), e.tls(), timeoutMs);
                long took = System.nanoTime() - t0;
                checks.incrementAndGet();
                checkNanos.addAndGet(took);
                checkCpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
                result = new ClusterView.Probe(e.text(), o.reachable(), o.level(), Math.round(took / 1e4) / 100.0, o.error(), System.currentTimeMillis());
            }
            ClusterView.Probe before = results.put(key, result);
            if (before == null || before.reachable() != result.reachable() || !Objects.equals(before.error(), result.error())) {
                changed.accept(t.chroot());
            }
        } finally {
            inFlight.remove(key);
        }
    }

    @Override
    public ClusterView.Probe find(String chroot, int brokerId, long epoch) {
        return results.get(new Key(chroot, brokerId, epoch));
    }

    /** Checks run so far and their total wall time, for the probe's cost. */
    public long checks() {
        return checks.get();
    }

    public long checkNanos() {
        return checkNanos.get();
    }

    /** CPU time the checks took on the probe's threads (first ones include kafka-clients' class loading). */
    public long checkCpuNanos() {
        return checkCpuNanos.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
