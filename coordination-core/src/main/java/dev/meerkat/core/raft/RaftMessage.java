package dev.meerkat.core.raft;

import dev.meerkat.core.log.LogEntry;

import java.util.List;

/** Everything Raft nodes say to each other. Every message carries the sender's term. */
public sealed interface RaftMessage {

    long from();

    long to();

    long term();

    /**
     * A vote request. A pre-vote asks "would you vote for me at {@code term}?" without anyone
     * raising their term, so a node that cannot win cannot disturb the cluster either.
     *
     * @param transfer the candidate campaigns at the leader's request (TimeoutNow), so voters
     *                 must not refuse it for still hearing from that leader
     */
    record RequestVote(long from, long to, long term, long lastLogIndex, long lastLogTerm,
                       boolean preVote, boolean transfer) implements RaftMessage {
    }

    /** For a granted pre-vote, {@code term} is the term asked about, not the voter's own. */
    record VoteResponse(long from, long to, long term, boolean preVote, boolean granted) implements RaftMessage {
    }

    record AppendEntries(long from, long to, long term, long prevLogIndex, long prevLogTerm,
                         List<LogEntry> entries, long leaderCommit) implements RaftMessage {
        public AppendEntries {
            entries = List.copyOf(entries);
        }
    }

    /**
     * On success {@code index} is the last index known to match the leader. On rejection it is the
     * rejected prevLogIndex, and {@code rejectHint}/{@code hintTerm} tell the leader where the
     * follower's log could match (the last index whose term is at most the leader's prevLogTerm),
     * so the leader skips a whole term per round trip instead of one entry.
     */
    record AppendResponse(long from, long to, long term, long index, boolean reject,
                          long rejectHint, long hintTerm) implements RaftMessage {
    }

    /**
     * @param commit  min(the follower's match, leader commit): never ahead of what matches
     * @param context the newest read-index round this heartbeat confirms (0 for none)
     */
    record Heartbeat(long from, long to, long term, long commit, long context) implements RaftMessage {
    }

    record HeartbeatResponse(long from, long to, long term, long context) implements RaftMessage {
    }

    /** One piece of a snapshot; chunks are sent one at a time, each after the previous is acknowledged. */
    record InstallSnapshotChunk(long from, long to, long term, long snapshotIndex, long snapshotTerm,
                                Membership membership, long offset, byte[] data, boolean done) implements RaftMessage {
    }

    /** Acknowledges snapshot bytes: the follower holds {@code nextOffset} bytes of that snapshot. */
    record SnapshotResponse(long from, long to, long term, long snapshotIndex, long nextOffset) implements RaftMessage {
    }

    /** Leadership transfer: "your log is as long as mine, campaign now". */
    record TimeoutNow(long from, long to, long term) implements RaftMessage {
    }

    /** A follower forwarding a read-index request to its leader. */
    record ReadIndexRequest(long from, long to, long term, long requestId) implements RaftMessage {
    }

    record ReadIndexResponse(long from, long to, long term, long requestId, long index) implements RaftMessage {
    }
}
