package dev.meerkat.core.node;

import java.util.List;

/**
 * This server's place in the ensemble, published by the log thread for anyone to read (four-letter
 * words, metrics, the admin server) without touching the node's threads.
 *
 * @param mode        {@code standalone}, {@code leader}, {@code follower}, {@code observer}, or
 *                    {@code looking} while no leader is known
 * @param serving     whether clients are served: false once the server has been without a leader
 *                    for longer than its grace period (it has lost the quorum)
 * @param peers       on the leader, every other server's replication progress; empty elsewhere
 * @param pendingSyncs read barriers (sync) waiting for their read index
 */
public record ClusterStatus(String mode, long myId, long term, long leaderId, long commitIndex, long lastIndex,
                            boolean serving, List<PeerProgress> peers, int pendingSyncs) {

    public boolean isLeader() {
        return mode.equals("leader") || mode.equals("standalone");
    }

    /**
     * @param matchIndex the last index the peer is known to hold
     * @param active     heard from within the last election timeout
     * @param observer   a non-voting server
     */
    public record PeerProgress(long id, long matchIndex, long lag, boolean active, boolean observer) {
    }

    static ClusterStatus starting(long myId) {
        return new ClusterStatus("looking", myId, 0, 0, 0, 0, false, List.of(), 0);
    }
}
