package dev.meerkat.core.raft;

import dev.meerkat.core.log.LogEntry;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raft's safety properties, checked against everything the simulated nodes ever report.
 * Violations throw {@link Violation}.
 */
final class SafetyChecker {

    static final class Violation extends RuntimeException {
        Violation(String message) {
            super(message, null, false, false);
        }
    }

    private record EntryId(long index, long term) {
    }

    private record Seen(LogEntry entry, long prevTerm) {
    }

    private static final class Committed {
        final LogEntry entry;
        final long digest;
        /** Upper bound on the term in which it was committed: the lowest term of any node reporting it. */
        long minReporterTerm;

        Committed(LogEntry entry, long digest, long term) {
            this.entry = entry;
            this.digest = digest;
            this.minReporterTerm = term;
        }
    }

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<EntryId, Seen> logEntries = new HashMap<>();
    private final TreeMap<Long, Committed> committed = new TreeMap<>();
    private long maxCommitted;

    long maxCommitted() {
        return maxCommitted;
    }

    int committedCount() {
        return committed.size();
    }

    /** Election safety: at most one leader per term. */
    void onLeader(RaftNode node, Iterable<RaftNode> leaders) {
        Long previous = leaderOfTerm.putIfAbsent(node.term(), node.id());
        if (previous != null && previous != node.id()) {
            throw new Violation("election safety: nodes " + previous + " and " + node.id() + " both leader in term " + node.term());
        }
    }

    /** Leader completeness: a leader holds every entry committed in an earlier term. */
    void onBecameLeader(RaftNode leader) {
        for (Committed c : committed.values()) checkHas(leader, c);
    }

    private void checkHas(RaftNode leader, Committed c) {
        if (leader.term() <= c.minReporterTerm) return;
        long index = c.entry.index();
        if (index > leader.lastIndex()) {
            throw new Violation("leader completeness: leader " + leader.id() + " of term " + leader.term()
                    + " lacks committed entry " + c.entry + " (its last index " + leader.lastIndex() + ")");
        }
        long t = leader.termAt(index);
        if (t != -1 && t != c.entry.term()) {
            throw new Violation("leader completeness: leader " + leader.id() + " of term " + leader.term()
                    + " has term " + t + " at committed index " + index + " instead of " + c.entry);
        }
    }

    /**
     * Log matching, checked on every entry any node writes: two logs with an entry of the same
     * index and term hold the same entry there and the same term before it (so, by induction,
     * the same prefix).
     */
    void onPersist(RaftNode node, LogEntry e) {
        long prevTerm = e.index() == 1 ? 0 : node.termAt(e.index() - 1);
        EntryId key = new EntryId(e.index(), e.term());
        Seen seen = logEntries.get(key);
        if (seen == null) {
            logEntries.put(key, new Seen(e, prevTerm));
            return;
        }
        if (!seen.entry.equals(e)) {
            throw new Violation("log matching: node " + node.id() + " has " + e + " but another node has "
                    + seen.entry + " at the same index and term");
        }
        if (prevTerm != -1 && seen.prevTerm != -1 && prevTerm != seen.prevTerm) {
            throw new Violation("log matching: node " + node.id() + " has " + e + " after term " + prevTerm
                    + " but another node has it after term " + seen.prevTerm);
        }
        if (seen.prevTerm == -1 && prevTerm != -1) logEntries.put(key, new Seen(e, prevTerm));
    }

    /** State machine safety: no two nodes apply different entries (or reach different states) at one index. */
    void onApply(RaftNode node, LogEntry e, long digest, Iterable<RaftNode> leaders) {
        Committed c = committed.get(e.index());
        if (c == null) {
            c = new Committed(e, digest, node.term());
            committed.put(e.index(), c);
            maxCommitted = Math.max(maxCommitted, e.index());
            for (RaftNode l : leaders) checkHas(l, c);
            return;
        }
        if (!c.entry.equals(e) || !Arrays.equals(c.entry.data(), e.data())) {
            throw new Violation("state machine safety: node " + node.id() + " applied " + e + " at index "
                    + e.index() + " where " + c.entry + " was applied before");
        }
        if (c.digest != digest) {
            throw new Violation("state machine safety: node " + node.id() + " reached a different state at index " + e.index());
        }
        if (node.term() < c.minReporterTerm) {
            c.minReporterTerm = node.term();
            for (RaftNode l : leaders) checkHas(l, c);
        }
    }

    /** A snapshot must capture the state every node reached at its index. */
    void onSnapshotInstalled(long nodeId, long index, long digest) {
        Committed c = committed.get(index);
        if (c != null && c.digest != digest) {
            throw new Violation("state machine safety: node " + nodeId + " installed a snapshot at " + index
                    + " whose state differs from what was applied there");
        }
    }

    /** Has the entry at {@code index} been reported committed? */
    LogEntry committedAt(long index) {
        Committed c = committed.get(index);
        return c == null ? null : c.entry;
    }
}
