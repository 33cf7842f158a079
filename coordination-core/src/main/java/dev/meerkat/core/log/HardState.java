package dev.meerkat.core.log;

/**
 * Raft state that must survive a crash before a node answers a vote or an append:
 * the current term, whom this node voted for in it (0 = nobody), and the highest index known committed.
 */
public record HardState(long term, long votedFor, long commit) {
    public static final HardState INITIAL = new HardState(0, 0, 0);
}
