package dev.meerkat.core.log;

/**
 * Raft state that must survive a crash before a node answers a vote or an append:
 * the current term, whom this node voted for in it (0 = nobody), and the highest index known committed.
 */
public record HardState(long term, long votedFor, long commit) {
    public static final HardState INITIAL = new HardState(0, 0, 0);

    // Written out: compared after every Raft step, and a record's generated equals bootstraps
    // method handles on first use (tens of ms of a cold start).
    @Override
    public boolean equals(Object o) {
        return o instanceof HardState h && h.term == term && h.votedFor == votedFor && h.commit == commit;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(term) * 961 + Long.hashCode(votedFor) * 31 + Long.hashCode(commit);
    }
}
