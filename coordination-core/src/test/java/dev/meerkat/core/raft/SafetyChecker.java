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

    long committedConfigChanges() {
        return committed.values().stream().filter(c -> c.entry.kind() == dev.meerkat.core.log.EntryKind.CONFIG).count();
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

    /** What the checker needs to know of one voter's log (its durable log when it is down). */
    interface LogView {
        long id();

        long lastIndex();

        /** -1 when compacted. */
        long termAt(long index);
    }

    /**
     * No node lacking a committed entry can collect a quorum of votes. Raft guarantees it at all
     * times: the entry's commit quorum all hold the committing leader's own-term entry after it,
     * and a log lacking the entry is never as up to date as any of theirs. Checking it right at
     * commit catches an unsafe commit before any election has to go wrong. Only valid while the
     * voter set is fixed.
     */
    void checkNoElectableNodeLacksCommitted(java.util.List<? extends LogView> voters) {
        if (committed.isEmpty()) return;
        LogEntry e = committed.lastEntry().getValue().entry;
        int quorum = voters.size() / 2 + 1;
        for (LogView n : voters) {
            long t = n.lastIndex() < e.index() ? -2 : n.termAt(e.index());
            if (t == -1 || t == e.term()) continue; // has it (or compacted it away behind a snapshot)
            long nTerm = n.termAt(n.lastIndex());
            int wouldGrant = 0;
            for (LogView v : voters) {
                long vTerm = v.termAt(v.lastIndex());
                if (nTerm > vTerm || (nTerm == vTerm && n.lastIndex() >= v.lastIndex())) wouldGrant++;
            }
            if (wouldGrant >= quorum) {
                throw new Violation("leader completeness: node " + n.id() + " lacks committed entry " + e + " yet "
                        + wouldGrant + " voters would elect it (last entry " + n.lastIndex() + "@" + nTerm + ")");
            }
        }
    }

    /** Has the entry at {@code index} been reported committed? */
    LogEntry committedAt(long index) {
        Committed c = committed.get(index);
        return c == null ? null : c.entry;
    }
}
