package dev.meerkat.core.raft;

import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.log.MemoryLogStore;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A simulated disk that distinguishes written from synced: appends are visible at once but
 * survive a crash only once {@link #sync()} returned; of the writes after the last sync, a
 * crash keeps an arbitrary prefix (none, some or all), as a real page cache might.
 * Hard state and snapshot resets are durable on return, as the {@link LogStore} contract says.
 */
final class SimDisk implements LogStore {

    private MemoryLogStore visible = new MemoryLogStore();
    private MemoryLogStore durable = new MemoryLogStore();
    /** Appends since the last sync, to replay a prefix of them on a crash. */
    private final List<List<LogEntry>> unsynced = new ArrayList<>();

    @Override public long snapshotIndex() { return visible.snapshotIndex(); }
    @Override public long snapshotTerm() { return visible.snapshotTerm(); }
    @Override public long lastIndex() { return visible.lastIndex(); }
    @Override public long term(long index) { return visible.term(index); }
    @Override public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        return visible.entries(from, toExclusive, maxBytes);
    }

    @Override
    public void append(List<LogEntry> entries) {
        if (entries.isEmpty()) return;
        visible.append(entries);
        unsynced.add(List.copyOf(entries));
    }

    @Override
    public void sync() {
        for (List<LogEntry> batch : unsynced) durable.append(batch);
        unsynced.clear();
    }

    @Override
    public void compact(long index) {
        sync();
        visible.compact(index);
        durable.compact(index);
    }

    @Override
    public void resetToSnapshot(long index, long term) {
        unsynced.clear();
        visible.resetToSnapshot(index, term);
        durable.resetToSnapshot(index, term);
    }

    @Override
    public HardState hardState() {
        return durable.hardState();
    }

    @Override
    public void saveHardState(HardState state) {
        visible.saveHardState(state);
        durable.saveHardState(state);
    }

    boolean hasUnsyncedWrites() {
        return !unsynced.isEmpty();
    }

    /** Power loss: keeps the synced state plus a random prefix of the unsynced appends. */
    void crash(RandomGenerator random) {
        int keep = unsynced.isEmpty() ? 0 : random.nextInt(unsynced.size() + 1);
        for (int i = 0; i < keep; i++) durable.append(unsynced.get(i));
        unsynced.clear();
        MemoryLogStore copy = new MemoryLogStore();
        copy.resetToSnapshot(durable.snapshotIndex(), durable.snapshotTerm());
        if (durable.lastIndex() > durable.snapshotIndex()) {
            copy.append(durable.entries(durable.firstIndex(), durable.lastIndex() + 1, Long.MAX_VALUE));
        }
        copy.saveHardState(durable.hardState());
        visible = copy;
        // The durable copy stays separate so later appends do not alias it.
        MemoryLogStore d = new MemoryLogStore();
        d.resetToSnapshot(copy.snapshotIndex(), copy.snapshotTerm());
        if (copy.lastIndex() > copy.snapshotIndex()) {
            d.append(copy.entries(copy.firstIndex(), copy.lastIndex() + 1, Long.MAX_VALUE));
        }
        d.saveHardState(copy.hardState());
        durable = d;
    }

    @Override
    public void close() {
    }
}
