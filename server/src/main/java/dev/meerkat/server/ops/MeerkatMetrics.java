package dev.meerkat.server.ops;

import dev.meerkat.core.api.EventType;
import dev.meerkat.core.stats.NodeListener;
import dev.meerkat.wire.server.OpNames;
import dev.meerkat.wire.server.RequestObserver;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the node's and the client port's events become numbers: ZooKeeper's summaries and counters
 * of the same meaning (fsynctime, snapshottime, readlatency, updatelatency, startup_*, snap_count,
 * stale_sessions_expired, ...) and Meerkat's own histograms (fsync latency, entries per group commit,
 * delay from the leader's stamp to apply, snapshot duration and pause, latency per opcode). Every
 * method records and returns; called from the log, tree, snapshot threads and event loops.
 */
public final class MeerkatMetrics implements NodeListener, RequestObserver, MeteredLogStore.SyncListener {
    private final Meters meters;
    private final ZooKeeperMetrics zk;
    /** Micrometer's meters, null until the registry is made (see {@link Meters}). */
    private volatile Timer fsync;
    private volatile DistributionSummary groupCommit;
    private volatile Timer applyDelay;
    private volatile Timer snapshotWrite;
    private volatile Timer snapshotPause;
    private final LongAdder snapCount;
    private final LongAdder snapErrors;
    private final LongAdder sessionsExpired;
    private final LongAdder responseBytes;
    private final ConcurrentHashMap<Integer, Timer> perOpcode = new ConcurrentHashMap<>();
    /** Until start-up replay is over, applied entries carry old stamps: they say nothing about delay. */
    private volatile boolean recovering = true;
    private volatile long lastSnapshotZxid = -1;
    private volatile long lastSnapshotMs = -1;

    MeerkatMetrics(Meters meters, ZooKeeperMetrics zk) {
        this.meters = meters;
        this.zk = zk;
        meters.bind(this::register);
        this.snapCount = zk.counter("snap_count");
        this.snapErrors = zk.counter("snapshot_error_count");
        this.sessionsExpired = zk.counter("stale_sessions_expired");
        this.responseBytes = zk.counter("response_bytes");
    }

    private void register(MeterRegistry registry) {
        this.fsync = Timer.builder("meerkat.log.fsync").description("time to make a batch of log entries durable")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.groupCommit = DistributionSummary.builder("meerkat.log.group.commit.entries")
                .description("log entries made durable by one sync").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue(4096.0).register(registry);
        this.applyDelay = Timer.builder("meerkat.apply.delay").description("time from the leader stamping an entry to applying it")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.snapshotWrite = Timer.builder("meerkat.snapshot.duration").description("time to encode, write and sync a snapshot")
                .register(registry);
        this.snapshotPause = Timer.builder("meerkat.snapshot.pause").description("time the tree thread paused to capture a snapshot")
                .register(registry);
    }

    // ---- the log ------------------------------------------------------------------------------

    @Override
    public void synced(long nanos, int entries) {
        Timer t = fsync;
        if (t != null) t.record(nanos, TimeUnit.NANOSECONDS);
        zk.summary("fsynctime").record(TimeUnit.NANOSECONDS.toMillis(nanos));
        if (entries > 0) {
            DistributionSummary g = groupCommit;
            if (g != null) g.record(entries);
            zk.summary("sync_processor_batch_size").record(entries);
        }
    }

    // ---- the node -----------------------------------------------------------------------------

    @Override
    public void recovered(long snapshotLoadNanos, long entries, long replayNanos) {
        zk.summary("startup_snap_load_time").record(TimeUnit.NANOSECONDS.toMillis(snapshotLoadNanos));
        zk.summary("startup_txns_loaded").record(entries);
        zk.summary("startup_txns_load_time").record(TimeUnit.NANOSECONDS.toMillis(replayNanos));
        zk.summary("dbinittime").record(TimeUnit.NANOSECONDS.toMillis(snapshotLoadNanos + replayNanos));
        recovering = false;
    }

    @Override
    public void applied(int entries, long oldestStampMs) {
        if (recovering) return;
        long delayMs = Math.max(0, System.currentTimeMillis() - oldestStampMs);
        Timer t = applyDelay;
        if (t != null) t.record(delayMs, TimeUnit.MILLISECONDS);
        zk.summary("local_write_committed_time_ms").record(delayMs);
    }

    @Override
    public void snapshotWritten(long zxid, long bytes, long pauseNanos, long writeNanos) {
        snapCount.increment();
        Timer pause = snapshotPause;
        if (pause != null) pause.record(pauseNanos, TimeUnit.NANOSECONDS);
        Timer write = snapshotWrite;
        if (write != null) write.record(writeNanos, TimeUnit.NANOSECONDS);
        zk.summary("snapshottime").record(TimeUnit.NANOSECONDS.toMillis(pauseNanos + writeNanos));
        lastSnapshotZxid = zxid;
        lastSnapshotMs = System.currentTimeMillis();
    }

    @Override
    public void snapshotFailed(long zxid) {
        snapErrors.increment();
    }

    @Override
    public void watchesTriggered(EventType type, int watchers) {
        String name = switch (type) {
            case NODE_CREATED -> "node_created_watch_count";
            case NODE_DELETED -> "node_deleted_watch_count";
            case NODE_DATA_CHANGED -> "node_changed_watch_count";
            case NODE_CHILDREN_CHANGED -> "node_children_watch_count";
            default -> null;
        };
        if (name != null) zk.summary(name).record(watchers);
    }

    @Override
    public void sessionExpired(long sessionId) {
        sessionsExpired.increment();
    }

    /** The zxid and time (epoch ms) of the last snapshot this process wrote, or -1. */
    long lastSnapshotZxid() {
        return lastSnapshotZxid;
    }

    long lastSnapshotMs() {
        return lastSnapshotMs;
    }

    // ---- the client port ----------------------------------------------------------------------

    @Override
    public void replied(int opcode, boolean write, long latencyNanos, int bytes) {
        zk.summary(write ? "updatelatency" : "readlatency").record(TimeUnit.NANOSECONDS.toMillis(latencyNanos));
        responseBytes.add(bytes);
        MeterRegistry registry = meters.ifMade();
        if (registry == null) return;
        perOpcode.computeIfAbsent(opcode, op -> Timer.builder("meerkat.request.latency").tag("op", OpNames.name(op))
                .description("time from a request's arrival to its reply, per opcode").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry)).record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void reset() {
        zk.reset();
    }
}
