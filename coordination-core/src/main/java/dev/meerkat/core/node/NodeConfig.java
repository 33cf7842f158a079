package dev.meerkat.core.node;

/**
 * How a node runs.
 *
 * @param serverId        this server's id (1 for a single node)
 * @param tickMs          ZooKeeper's tickTime: how often the node checks session expiry
 * @param reapIntervalMs  how often the leader looks for emptied containers and expired TTL nodes
 * @param inboxCapacity   bound of each internal queue; producers are refused beyond it
 * @param maxBatch        most entries one log append and one sync carry (group commit)
 * @param snapCount       entries applied between two snapshots (zoo.cfg snapCount)
 * @param snapRetainCount snapshots kept on disk (zoo.cfg autopurge.snapRetainCount)
 */
public record NodeConfig(long serverId, int tickMs, int reapIntervalMs, int inboxCapacity, int maxBatch,
                         int snapCount, int snapRetainCount) {
    public static NodeConfig defaults() {
        return new NodeConfig(1, 2000, 1000, 1 << 16, 1024, 100_000, 3);
    }

    public NodeConfig withTickMs(int tick) {
        return new NodeConfig(serverId, tick, reapIntervalMs, inboxCapacity, maxBatch, snapCount, snapRetainCount);
    }

    public NodeConfig withReapIntervalMs(int ms) {
        return new NodeConfig(serverId, tickMs, ms, inboxCapacity, maxBatch, snapCount, snapRetainCount);
    }

    public NodeConfig withSnapshots(int count, int retain) {
        return new NodeConfig(serverId, tickMs, reapIntervalMs, inboxCapacity, maxBatch, count, Math.max(1, retain));
    }
}
