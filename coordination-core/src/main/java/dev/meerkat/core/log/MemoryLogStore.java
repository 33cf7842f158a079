package dev.meerkat.core.log;

import java.util.ArrayList;
import java.util.List;

/**
 * A log kept in memory only: for embedded test servers that need no durability and for unit tests.
 * It honours the same contract as the durable store, so the node cannot tell them apart.
 */
public final class MemoryLogStore implements LogStore {

    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private long snapshotIndex;
    private long snapshotTerm;
    private HardState hardState = HardState.INITIAL;

    @Override
    public long snapshotIndex() {
        return snapshotIndex;
    }

    @Override
    public long snapshotTerm() {
        return snapshotTerm;
    }

    @Override
    public long lastIndex() {
        return snapshotIndex + entries.size();
    }

    @Override
    public long term(long index) {
        if (index == snapshotIndex) return snapshotTerm;
        if (index < snapshotIndex || index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " outside [" + snapshotIndex + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - snapshotIndex - 1)).term();
    }

    @Override
    public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        if (from < firstIndex() || toExclusive > lastIndex() + 1) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + toExclusive + ") outside [" + firstIndex() + ", " + (lastIndex() + 1) + ")");
        }
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < toExclusive; i++) {
            LogEntry e = entries.get((int) (i - snapshotIndex - 1));
            bytes += e.sizeInBytes();
            if (!out.isEmpty() && bytes > maxBytes) break;
            out.add(e);
        }
        return out;
    }

    @Override
    public void append(List<LogEntry> toAppend) {
        if (toAppend.isEmpty()) return;
        long first = toAppend.get(0).index();
        if (first <= snapshotIndex || first > lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + first + " but log is (" + snapshotIndex + ", " + lastIndex() + "]");
        }
        for (int i = 1; i < toAppend.size(); i++) {
            if (toAppend.get(i).index() != first + i) throw new IllegalArgumentException("entries not contiguous");
        }
        while (lastIndex() >= first) entries.remove(entries.size() - 1);
        entries.addAll(toAppend);
    }

    @Override
    public void sync() {
        // Memory is as durable as it gets here.
    }

    @Override
    public void compact(long index) {
        if (index <= snapshotIndex) return;
        if (index > lastIndex()) throw new IllegalArgumentException("compact past the end: " + index);
        long term = term(index);
        entries.subList(0, (int) (index - snapshotIndex)).clear();
        snapshotIndex = index;
        snapshotTerm = term;
    }

    @Override
    public void resetToSnapshot(long index, long term) {
        entries.clear();
        snapshotIndex = index;
        snapshotTerm = term;
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public void saveHardState(HardState state) {
        hardState = state;
    }

    @Override
    public void close() {
    }
}
