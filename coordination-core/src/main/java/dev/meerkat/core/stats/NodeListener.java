package dev.meerkat.core.stats;

/**
 * What a node tells about its own work, for metrics. Called on the node's threads (start-up, the tree
 * thread, the snapshot thread): implementations record a number and return at once.
 */
public interface NodeListener {
    NodeListener NONE = new NodeListener() {
    };

    /** Start-up replayed {@code entries} log entries after loading a snapshot. */
    default void recovered(long snapshotLoadNanos, long entries, long replayNanos) {
    }

    /** A batch of committed entries was applied; {@code oldestStampMs} is the leader's time on its first entry. */
    default void applied(int entries, long oldestStampMs) {
    }

    /** A snapshot was written: the tree paused {@code pauseNanos} to capture it, writing took {@code writeNanos}. */
    default void snapshotWritten(long zxid, long bytes, long pauseNanos, long writeNanos) {
    }

    default void snapshotFailed(long zxid) {
    }

    /** A fired event reached {@code watchers} watchers (tree thread; events nobody watched are not told). */
    default void watchesTriggered(dev.meerkat.core.api.EventType type, int watchers) {
    }

    /** The leader decided that a session expired (ZooKeeper's stale_sessions_expired). */
    default void sessionExpired(long sessionId) {
    }
}
