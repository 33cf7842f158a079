package dev.meerkat.core.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shape of the log as the records written so far define it. Both recovery (replaying the
 * queue) and live writes go through {@link #apply}, so a reopened store cannot disagree with the one
 * that wrote the records: the last write wins in both.
 *
 * <p>It also remembers, per cycle file, what is needed to decide when the file can be deleted.
 */
final class LogState {

    private final RaftIndexTable table = new RaftIndexTable();
    private long snapshotIndex;
    private long snapshotTerm;

    /** cycle -> highest Raft index of any entry written in it (live or not). */
    private final TreeMap<Integer, Long> maxEntryIndexByCycle = new TreeMap<>();
    private final TreeMap<Integer, Path> fileByCycle = new TreeMap<>();
    /** Cycle of the newest COMPACT or RESET record, which must survive any deletion. */
    private int snapshotMarkerCycle = Integer.MIN_VALUE;
    /** Cycle of the newest RESET record: every entry in an earlier cycle is void. */
    private int resetMarkerCycle = Integer.MIN_VALUE;
    /** [first damaged cycle, cycle of its recovery cut]: deleting only part of such a span would revive void records. */
    private final List<int[]> voidSpans = new ArrayList<>();

    long snapshotIndex() {
        return snapshotIndex;
    }

    long snapshotTerm() {
        return snapshotTerm;
    }

    long lastIndex() {
        return table.isEmpty() ? snapshotIndex : Math.max(snapshotIndex, table.end() - 1);
    }

    long term(long index) {
        if (index == snapshotIndex) return snapshotTerm;
        if (index < snapshotIndex || index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " outside [" + snapshotIndex + ", " + lastIndex() + "]");
        }
        return table.term(index);
    }

    long queueIndex(long raftIndex) {
        return table.queueIndex(raftIndex);
    }

    void apply(LogRecord record, long queueIndex, int cycle) {
        if (record instanceof LogRecord.Entry e) {
            LogEntry entry = e.entry();
            table.put(entry.index(), queueIndex, entry.term());
            noteEntryIndex(cycle, entry.index());
        } else if (record instanceof LogRecord.Truncate t) {
            table.truncateFrom(t.fromIndex());
        } else if (record instanceof LogRecord.Compact c) {
            snapshotIndex = c.index();
            snapshotTerm = c.term();
            table.dropUpTo(c.index());
            snapshotMarkerCycle = cycle;
        } else if (record instanceof LogRecord.Reset r) {
            snapshotIndex = r.index();
            snapshotTerm = r.term();
            table.clear(r.index() + 1);
            snapshotMarkerCycle = cycle;
            resetMarkerCycle = cycle;
        }
        // A RecoveryCut outside a damaged span changes nothing: its span was already skipped.
    }

    /** Counts an entry that was replayed as void, so its file is not deleted too early. */
    void noteEntryIndex(int cycle, long raftIndex) {
        maxEntryIndexByCycle.merge(cycle, raftIndex, Math::max);
    }

    void noteFile(int cycle, Path file) {
        if (file != null) fileByCycle.putIfAbsent(cycle, file);
    }

    Path fileFor(int cycle) {
        return fileByCycle.get(cycle);
    }

    void noteVoidSpan(int firstDamagedCycle, int cutCycle) {
        voidSpans.add(new int[] {firstDamagedCycle, cutCycle});
    }

    /**
     * Ends a replay: drops entries a snapshot covers and checks the live entries are contiguous
     * from the snapshot on. A gap means cycle files are missing, which no replay can repair.
     */
    void finishReplay(Path dir) {
        table.dropUpTo(snapshotIndex);
        if (!table.isEmpty() && table.first() != snapshotIndex + 1) {
            throw new IllegalStateException("log in " + dir + " is missing entries " + (snapshotIndex + 1) + ".."
                    + (table.first() - 1) + " (snapshot at " + snapshotIndex + "); were cycle files deleted by hand?");
        }
        if (table.isEmpty()) table.clear(snapshotIndex + 1);
    }

    /**
     * Cycles, oldest first, whose files can go: a prefix of the files such that replaying the rest
     * gives the same log. A file qualifies when it is older than the write position and the newest
     * snapshot record, and every entry in it is covered by the snapshot or void by a later reset.
     */
    List<Map.Entry<Integer, Path>> deletableFiles(int writeCycle) {
        List<Map.Entry<Integer, Path>> out = new ArrayList<>();
        for (Map.Entry<Integer, Path> f : fileByCycle.entrySet()) {
            int cycle = f.getKey();
            boolean covered = cycle < resetMarkerCycle
                    || maxEntryIndexByCycle.getOrDefault(cycle, 0L) <= snapshotIndex;
            if (cycle >= writeCycle || cycle >= snapshotMarkerCycle || !covered || splitsVoidSpan(cycle)) break;
            out.add(f);
        }
        return out;
    }

    void forgetFile(int cycle) {
        fileByCycle.remove(cycle);
        maxEntryIndexByCycle.remove(cycle);
        voidSpans.removeIf(span -> span[1] <= cycle);
    }

    private boolean splitsVoidSpan(int cycle) {
        for (int[] span : voidSpans) {
            if (span[0] <= cycle && cycle < span[1]) return true;
        }
        return false;
    }
}
