package dev.meerkat.core.node;

import java.util.function.Consumer;

/**
 * How a node runs.
 *
 * @param tickMs                ZooKeeper's tickTime: how often the node checks session expiry
 * @param reapIntervalMs        how often the leader looks for emptied containers and expired TTL nodes
 * @param inboxCapacity         bound of each internal queue; producers are refused beyond it
 * @param maxBatch              most entries one log append and one sync carry (group commit)
 * @param snapCount             entries applied between two snapshots (zoo.cfg snapCount)
 * @param snapRetainCount       snapshots kept on disk (zoo.cfg autopurge.snapRetainCount)
 * @param snapSizeLimitBytes    log bytes applied since the last snapshot that also start one (zoo.cfg
 *                              snapSizeLimitInKb); 0 or less: only snapCount does
 * @param raftTickMs            the Raft clock: one heartbeat per tick
 * @param electionTicks         ticks without a leader before a follower campaigns (randomised up to twice that)
 * @param leaderlessGraceMs     how long a server without a leader keeps its clients before it
 *                              declares the quorum lost and closes their connections
 * @param maxForwardedInFlight  writes a follower may have forwarded and not yet seen applied
 * @param linearizableReads     every read waits for a read index from the leader (Meerkat extension)
 * @param maxWatchesPerSession  watches one connection's session may hold (meerkat.maxWatchesPerSession)
 * @param enforceQuota          zookeeper.enforceQuota: this server's client writes fail past a hard quota
 */
public record NodeConfig(int tickMs, int reapIntervalMs, int inboxCapacity, int maxBatch, int snapCount,
                         int snapRetainCount, long snapSizeLimitBytes, int raftTickMs, int electionTicks, int leaderlessGraceMs,
                         int maxForwardedInFlight, boolean linearizableReads, int maxWatchesPerSession,
                         boolean enforceQuota) {

    /**
     * Snapshots cost the tree no pause (they are captured in slices), so Meerkat takes one after far
     * less log than ZooKeeper's 4 GB default: what a restart replays stays small.
     */
    public static final long DEFAULT_SNAP_SIZE_LIMIT_BYTES = 64L << 20;

    public static NodeConfig defaults() {
        return new NodeConfig(2000, 1000, 1 << 16, 1024, 100_000, 3, DEFAULT_SNAP_SIZE_LIMIT_BYTES, 50, 20, 1000, 10_000, false, 1_000_000, false);
    }

    /** The election timeout in milliseconds (before randomisation). */
    public int electionTimeoutMs() {
        return raftTickMs * electionTicks;
    }

    public NodeConfig withTickMs(int tick) {
        return with(f -> f.tickMs = tick);
    }

    public NodeConfig withReapIntervalMs(int ms) {
        return with(f -> f.reapIntervalMs = ms);
    }

    public NodeConfig withSnapshots(int count, int retain) {
        return with(f -> {
            f.snapCount = count;
            f.snapRetainCount = Math.max(1, retain);
        });
    }

    public NodeConfig withSnapSizeLimitBytes(long bytes) {
        return with(f -> f.snapSizeLimitBytes = bytes);
    }

    /** Raft timing: the tick, and the election timeout in ticks; the leaderless grace is one election timeout. */
    public NodeConfig withRaftTiming(int tickMs, int electionTicks) {
        if (tickMs < 1 || electionTicks < 2) throw new IllegalArgumentException("need raftTickMs >= 1 and electionTicks >= 2");
        return with(f -> {
            f.raftTickMs = tickMs;
            f.electionTicks = electionTicks;
            f.leaderlessGraceMs = tickMs * electionTicks;
        });
    }

    public NodeConfig withLinearizableReads(boolean on) {
        return with(f -> f.linearizableReads = on);
    }

    public NodeConfig withMaxWatchesPerSession(int n) {
        if (n < 1) throw new IllegalArgumentException("maxWatchesPerSession " + n);
        return with(f -> f.maxWatchesPerSession = n);
    }

    public NodeConfig withEnforceQuota(boolean on) {
        return with(f -> f.enforceQuota = on);
    }

    /** A copy with some fields changed: one place that knows the field list, not one per wither. */
    private NodeConfig with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new NodeConfig(f.tickMs, f.reapIntervalMs, f.inboxCapacity, f.maxBatch, f.snapCount, f.snapRetainCount,
                f.snapSizeLimitBytes, f.raftTickMs, f.electionTicks, f.leaderlessGraceMs, f.maxForwardedInFlight, f.linearizableReads, f.maxWatchesPerSession,
                f.enforceQuota);
    }

    private static final class Fields {
        int tickMs;
        int reapIntervalMs;
        int inboxCapacity;
        int maxBatch;
        int snapCount;
        int snapRetainCount;
        long snapSizeLimitBytes;
        int raftTickMs;
        int electionTicks;
        int leaderlessGraceMs;
        int maxForwardedInFlight;
        boolean linearizableReads;
        int maxWatchesPerSession;
        boolean enforceQuota;

        Fields(NodeConfig c) {
            tickMs = c.tickMs;
            reapIntervalMs = c.reapIntervalMs;
            inboxCapacity = c.inboxCapacity;
            maxBatch = c.maxBatch;
            snapCount = c.snapCount;
            snapRetainCount = c.snapRetainCount;
            snapSizeLimitBytes = c.snapSizeLimitBytes;
            raftTickMs = c.raftTickMs;
            electionTicks = c.electionTicks;
            leaderlessGraceMs = c.leaderlessGraceMs;
            maxForwardedInFlight = c.maxForwardedInFlight;
            linearizableReads = c.linearizableReads;
            maxWatchesPerSession = c.maxWatchesPerSession;
            enforceQuota = c.enforceQuota;
        }
    }
}
