package dev.meerkat.bench;

import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the node asks of its log: how many entries each sync carries under real load. */
final class CountingLogStore implements LogStore {
    final LogStore inner;
    final AtomicLong appended = new AtomicLong();
    final AtomicLong syncs = new AtomicLong();

    CountingLogStore(LogStore inner) {
        this.inner = inner;
    }

    @Override public void append(List<LogEntry> entries) { appended.addAndGet(entries.size()); inner.append(entries); }
    @Override public void sync() { syncs.incrementAndGet(); inner.sync(); }
    @Override public void compact(long index) { inner.compact(index); }
    @Override public void resetToSnapshot(long index, long term) { inner.resetToSnapshot(index, term); }
    @Override public HardState hardState() { return inner.hardState(); }
    @Override public void saveHardState(HardState state) { inner.saveHardState(state); }
    @Override public void close() { inner.close(); }
    @Override public long snapshotIndex() { return inner.snapshotIndex(); }
    @Override public long snapshotTerm() { return inner.snapshotTerm(); }
    @Override public long lastIndex() { return inner.lastIndex(); }
    @Override public long term(long index) { return inner.term(index); }
    @Override public List<LogEntry> entries(long from, long toExclusive, long maxBytes) { return inner.entries(from, toExclusive, maxBytes); }
}
