package dev.meerkat.core.node;

import dev.meerkat.core.log.LogEntry;

import java.util.List;

/**
 * The consensus side of a node, as the node's log thread drives it: proposals go in, committed
 * entries come out in order. The single-node cluster and the Raft cluster are both behind it.
 * Every method is called on the log thread only.
 */
interface Replicator {

    /** Appends commands as new entries if this node leads; returns how many were taken (0 when not leader). */
    int propose(List<byte[]> commands);

    /** Persists, replicates and reports progress; returns entries newly committed, in order. */
    List<LogEntry> process();

    /** Advances timers by one tick of the replication clock. */
    void tick();

    boolean isLeader();

    long lastIndex();
}
