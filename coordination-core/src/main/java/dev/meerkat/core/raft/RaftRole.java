package dev.meerkat.core.raft;

/** The role a Raft node plays in its current term. */
public enum RaftRole {
    FOLLOWER,
    /** Asking for pre-votes: the term has not been raised yet, so a failed attempt disturbs nobody. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
