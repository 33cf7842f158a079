package dev.meerkat.core.raft;

/**
 * Deliberate safety violations, for tests only: each switch breaks one rule of Raft so the
 * simulator can prove that its checker notices. All are off in {@link #NONE}; production code
 * cannot reach this class (package-private), so it can never be switched on there.
 */
record RaftBugs(
        /** Commit an entry of an earlier term as soon as a majority holds it (Raft §5.4.2, Figure 8). */
        boolean commitOlderTermByCounting,
        /** Do not persist votedFor, so a restarted node may vote twice in one term. */
        boolean forgetVoteOnRestart,
        /** Accept appends without checking that the entry before them matches. */
        boolean skipLogMatchingCheck,
        /** Grant votes without checking that the candidate's log is at least as up to date. */
        boolean grantVotesToStaleLogs,
        /** Answer read-index requests without confirming leadership with a quorum first. */
        boolean readIndexWithoutQuorum) {

    static final RaftBugs NONE = new RaftBugs(false, false, false, false, false);

    boolean any() {
        return commitOlderTermByCounting || forgetVoteOnRestart || skipLogMatchingCheck || grantVotesToStaleLogs
                || readIndexWithoutQuorum;
    }
}
