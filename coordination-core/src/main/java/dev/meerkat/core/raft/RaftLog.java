package dev.meerkat.core.raft;

import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogReader;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The node's view of its log: what the caller has persisted (read through {@link LogReader}) plus
 * what Raft has appended but the caller has not yet persisted ("unstable", as in etcd). Unstable
 * entries start at {@code offset} and shadow any persisted entries at or after it; a snapshot
 * received from the leader shadows the whole persisted log until the caller installs it.
 */
final class RaftLog {

    /** Returned by {@link #term(long)} for an index that is compacted or past the end. */
    static final long UNAVAILABLE = -1;

    private final LogReader storage;
    private final Consumer<List<LogEntry>> onAppend;
    private final ArrayList<LogEntry> unstable = new ArrayList<>();
    private long offset;
    private IncomingSnapshot pendingSnapshot;

    long committed;
    long applied;

    RaftLog(LogReader storage, long committed, long applied, Consumer<List<LogEntry>> onAppend) {
        this.storage = storage;
        this.onAppend = onAppend;
        this.offset = storage.lastIndex() + 1;
        this.committed = committed;
        this.applied = applied;
    }

    long firstIndex() {
        return pendingSnapshot != null ? pendingSnapshot.index() + 1 : storage.firstIndex();
    }

    long lastIndex() {
        if (!unstable.isEmpty()) return offset + unstable.size() - 1;
        if (pendingSnapshot != null) return pendingSnapshot.index();
        return storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** The newest index the caller has made durable (and that is still part of this log). */
    long stableIndex() {
        if (pendingSnapshot != null) return 0;
        return unstable.isEmpty() ? storage.lastIndex() : offset - 1;
    }

    long term(long index) {
        if (pendingSnapshot != null) {
            if (index == pendingSnapshot.index()) return pendingSnapshot.term();
            if (index < pendingSnapshot.index()) return UNAVAILABLE;
        }
        if (!unstable.isEmpty() && index >= offset) {
            long i = index - offset;
            return i < unstable.size() ? unstable.get((int) i).term() : UNAVAILABLE;
        }
        if (pendingSnapshot != null) return UNAVAILABLE;
        if (index < storage.snapshotIndex() || index > storage.lastIndex()) return UNAVAILABLE;
        return storage.term(index);
    }

    boolean matchTerm(long index, long term) {
        long t = term(index);
        return t != UNAVAILABLE && t == term;
    }

    /** Raft §5.4.1: the other log is at least as up to date as this one. */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long myTerm = lastTerm();
        return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
    }

    /** Entries in [from, toExclusive), at most about maxBytes (at least one). from >= firstIndex(). */
    List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        toExclusive = Math.min(toExclusive, lastIndex() + 1);
        if (from >= toExclusive) return List.of();
        if (from < firstIndex()) throw new IndexOutOfBoundsException("compacted: " + from);
        List<LogEntry> out;
        long bytes = 0;
        long storedEnd = (pendingSnapshot != null) ? from : Math.min(toExclusive, unstable.isEmpty() ? toExclusive : offset);
        if (from < storedEnd) {
            out = new ArrayList<>(storage.entries(from, storedEnd, maxBytes));
            for (LogEntry e : out) bytes += e.sizeInBytes();
            if (out.size() < storedEnd - from) return out;
        } else {
            out = new ArrayList<>();
        }
        if (unstable.isEmpty()) return out;
        for (long i = Math.max(from, offset); i < toExclusive; i++) {
            LogEntry e = unstable.get((int) (i - offset));
            bytes += e.sizeInBytes();
            if (!out.isEmpty() && bytes > maxBytes) break;
            out.add(e);
        }
        return out;
    }

    /**
     * The follower side of AppendEntries: appends what is new after {@code prevIndex} and returns
     * the last index now known to match the leader, or -1 when the log does not contain
     * {@code prevIndex} at {@code prevTerm}.
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<LogEntry> entries, boolean skipMatchCheck) {
        boolean matches = skipMatchCheck ? prevIndex <= lastIndex() && prevIndex >= firstIndex() - 1 : matchTerm(prevIndex, prevTerm);
        if (!matches) return -1;
        long lastNew = prevIndex + entries.size();
        for (int i = 0; i < entries.size(); i++) {
            LogEntry e = entries.get(i);
            if (!matchTerm(e.index(), e.term())) {
                if (e.index() <= committed) {
                    throw new IllegalStateException("entry " + e.index() + " conflicts with committed entry (committed " + committed + ")");
                }
                append(entries.subList(i, entries.size()));
                break;
            }
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** Appends after truncating anything at or after the first new index. */
    void append(List<LogEntry> entries) {
        if (entries.isEmpty()) return;
        long after = entries.get(0).index();
        if (after <= committed) throw new IllegalStateException("append at " + after + " would overwrite committed " + committed);
        if (after > lastIndex() + 1) throw new IllegalStateException("gap: append at " + after + " after " + lastIndex());
        if (unstable.isEmpty() || after <= offset) {
            unstable.clear();
            offset = after;
        } else {
            long keep = after - offset;
            while (unstable.size() > keep) unstable.remove(unstable.size() - 1);
        }
        unstable.addAll(entries);
        onAppend.accept(entries);
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            committed = index;
        }
    }

    /** The caller persisted entries up to {@code index}; unless a later append replaced it meanwhile. */
    void stableTo(long index, long term) {
        if (unstable.isEmpty() || index < offset || index >= offset + unstable.size()) return;
        if (unstable.get((int) (index - offset)).term() != term) return;
        unstable.subList(0, (int) (index - offset + 1)).clear();
        offset = index + 1;
    }

    List<LogEntry> unstableEntries() {
        return List.copyOf(unstable);
    }

    boolean hasUnstable() {
        return !unstable.isEmpty();
    }

    IncomingSnapshot pendingSnapshot() {
        return pendingSnapshot;
    }

    /** Replaces the whole log with a snapshot from the leader (the caller installs it next). */
    void restore(IncomingSnapshot snapshot) {
        unstable.clear();
        offset = snapshot.index() + 1;
        pendingSnapshot = snapshot;
        committed = snapshot.index();
    }

    void snapshotInstalled(long index) {
        if (pendingSnapshot != null && pendingSnapshot.index() == index) {
            pendingSnapshot = null;
            applied = Math.max(applied, index);
        }
    }

    boolean hasNextCommittedEntries() {
        return pendingSnapshot == null && committed > applied;
    }

    List<LogEntry> nextCommittedEntries(long maxBytes) {
        if (!hasNextCommittedEntries()) return List.of();
        return entries(Math.max(applied + 1, firstIndex()), committed + 1, maxBytes);
    }

    void appliedTo(long index) {
        if (index > committed) throw new IllegalStateException("applied " + index + " beyond commit " + committed);
        applied = Math.max(applied, index);
    }

    /**
     * Where the follower's log could match a leader log whose entry at {@code index} has
     * {@code term}: the last index at or below {@code index} with a term not above {@code term}.
     * Returns {index, termThere}.
     */
    long[] findConflictByTerm(long index, long term) {
        for (; index > 0; index--) {
            long t = term(index);
            if (t == UNAVAILABLE) return new long[]{index, 0};
            if (t <= term) return new long[]{index, t};
        }
        return new long[]{0, 0};
    }
}
