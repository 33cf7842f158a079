package dev.meerkat.core.cluster;

import dev.meerkat.core.raft.RaftMessage;

import java.util.List;

/** What servers of an ensemble say to each other, besides the transport's own handshake and pings. */
public sealed interface PeerMessage {

    /** A message of the Raft protocol. */
    record Raft(RaftMessage message) implements PeerMessage {
    }

    /**
     * Client writes a follower forwards to the leader, in the order its clients sent them. Batches
     * are numbered within an epoch of the sender's forwarding (a new epoch begins whenever the
     * sender can no longer vouch for what it sent before: a new term, a new leader, a broken
     * link), so that the leader can refuse a batch that arrives out of order.
     */
    record ForwardBatch(long epoch, long seq, List<ForwardedCommand> commands) implements PeerMessage {
        public ForwardBatch {
            commands = List.copyOf(commands);
        }
    }

    /** One forwarded write: the sender's id for the waiting request, and the encoded command. */
    record ForwardedCommand(long requestId, byte[] command) {
    }

    /** The leader did not take these forwarded writes (it is not leader, or a batch was out of order). */
    record ForwardRefused(long epoch, long[] requestIds) implements PeerMessage {
    }

    /** Sessions whose clients were heard from on the sending server since its last report. */
    record SessionTouches(long[] sessionIds) implements PeerMessage {
    }

    /**
     * A reconfig for the leader: from the server holding the asking client ({@code origin}), or,
     * when a leader that is to be removed has handed its leadership over, from that former leader
     * ({@code continuation}: already checked, carry on from the current configuration).
     */
    record ReconfigForward(long origin, long requestId, String joiningServers, String leavingServers, String newMembers,
                           long fromVersion, boolean continuation) implements PeerMessage {
    }

    /** The leader refused or gave up a reconfig; {@code errorCode} is ZooKeeper's. */
    record ReconfigFailed(long requestId, int errorCode) implements PeerMessage {
    }

    /** The leader hands its leadership over to carry out a reconfig that removes it: keep waiting across that one change of leader. */
    record ReconfigMoved(long requestId) implements PeerMessage {
    }

    /** An operator asked a follower to move leadership: the leader is to hand it to {@code target} (0: the best). */
    record TransferLeadership(long target) implements PeerMessage {
    }
}
