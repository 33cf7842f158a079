package dev.meerkat.core.stats;

import java.util.List;

/**
 * A server's role and the quorum facts that go with it, in one place for the four-letter words,
 * the AdminServer and the metrics. A single node answers as "standalone"; an ensemble member answers
 * from its Raft state. Every method is cheap and safe from any thread (it reads published values).
 */
public interface QuorumView {

    /** One peer as the leader sees it (the AdminServer's leader/observers commands). */
    record Peer(long id, String address, boolean synced, boolean observer) {
    }

    ServerMode mode();

    /** This server's id (myid; 0 for a standalone server, as ZooKeeper reports it). */
    long serverId();

    /** Raft term this server is in. */
    long term();

    /** Highest log index known committed. */
    long commitIndex();

    /** The leader's id, or -1 when there is none (or no quorum). */
    long leaderId();

    /** Leader only: followers and observers it has (zk_learners), those in sync, and proposals waiting. */
    default int learners() {
        return 0;
    }

    default int followers() {
        return 0;
    }

    default int syncedFollowers() {
        return 0;
    }

    default int syncedObservers() {
        return 0;
    }

    default int pendingSyncs() {
        return 0;
    }

    /** Voting members with their addresses; empty for a standalone server. */
    default List<Peer> peers() {
        return List.of();
    }

    /** zk_peer_state: e.g. "leading - broadcast"; ZooKeeper leaves it out when standalone. */
    default String peerState() {
        return null;
    }
}
