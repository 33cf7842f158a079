package dev.meerkat.server.ops;

import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node's log with a stopwatch on it: how long each sync takes and how many entries it made
 * durable (the group commit), published for metrics. It also publishes the Raft term and the last
 * durable index, which for a single voter is its commit index. Called on the node's log thread only,
 * like the log itself; the published fields are volatile.
 */
public final class MeteredLogStore implements LogStore {
    private static final Logger LOG = LoggerFactory.getLogger(MeteredLogStore.class);

    /** Hears of every sync. */
    public interface SyncListener {
        void synced(long nanos, int entries);
    }

    private final LogStore log;
    private final SyncListener listener;
    private final long warnNanos;
    private int unsynced;
    private volatile long term;
    private volatile long durableIndex;
    private volatile long thresholdExceeded;

    public MeteredLogStore(LogStore log, SyncListener listener, long fsyncWarningThresholdMs) {
        this.log = log;
        this.listener = listener;
        this.warnNanos = TimeUnit.MILLISECONDS.toNanos(fsyncWarningThresholdMs);
        this.term = log.hardState().term();
        this.durableIndex = log.lastIndex();
    }

    /** The current Raft term as last saved or appended. */
    public long term() {
        return term;
    }

    /** Syncs slower than fsync.warningthresholdms (ZooKeeper's fsync_threshold_exceed_count). */
    public long thresholdExceeded() {
        return thresholdExceeded;
    }

    /** The last index made durable by a sync. */
    public long durableIndex() {
        return durableIndex;
    }

    @Override
    public void append(List<LogEntry> entries) {
        log.append(entries);
        unsynced += entries.size();
        if (!entries.isEmpty()) term = Math.max(term, entries.get(entries.size() - 1).term());
    }

    @Override
    public void sync() {
        long t0 = System.nanoTime();
        log.sync();
        long nanos = System.nanoTime() - t0;
        int entries = unsynced;
        unsynced = 0;
        durableIndex = log.lastIndex();
        listener.synced(nanos, entries);
        if (warnNanos > 0 && nanos > warnNanos) {
            thresholdExceeded++;
            // ZooKeeper's fsync.warningthresholdms warning, one line.
            LOG.warn("fsync of the log took {} ms, above fsync.warningthresholdms ({} ms): the disk is slow or busy",
                    TimeUnit.NANOSECONDS.toMillis(nanos), TimeUnit.NANOSECONDS.toMillis(warnNanos));
        }
    }

    @Override
    public void saveHardState(HardState state) {
        log.saveHardState(state);
        term = Math.max(term, state.term());
    }

    @Override
    public HardState hardState() {
        return log.hardState();
    }

    @Override
    public void compact(long index) {
        log.compact(index);
    }

    @Override
    public void resetToSnapshot(long index, long term) {
        log.resetToSnapshot(index, term);
        durableIndex = index;
        this.term = Math.max(this.term, term);
    }

    @Override
    public void close() {
        log.close();
    }

    @Override
    public long snapshotIndex() {
        return log.snapshotIndex();
    }

    @Override
    public long snapshotTerm() {
        return log.snapshotTerm();
    }

    @Override
    public long firstIndex() {
        return log.firstIndex();
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public long term(long index) {
        return log.term(index);
    }

    @Override
    public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        return log.entries(from, toExclusive, maxBytes);
    }
}
