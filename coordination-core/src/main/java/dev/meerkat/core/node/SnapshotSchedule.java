package dev.meerkat.core.node;

/**
 * When the next periodic snapshot is due: every {@code snapCount} applied entries, or every
 * {@code sizeLimitBytes} of them, counted from the last snapshot. A snapshot that comes due while
 * the one before is still being written is skipped and the count starts again from there, as
 * ZooKeeper's SyncRequestProcessor does ("too busy to snap"). Without the skip, a large tree under a
 * heavy write load would have one snapshot follow the other back to back, and the snapshot thread
 * would keep its share of the CPU for good; with it, what a restart replays stays under about one
 * snapshot's writing time plus snapCount entries. Pure: the tree thread owns an instance.
 */
final class SnapshotSchedule {
    private final int snapCount;
    /** 0 or less: only the entry count starts a snapshot. */
    private final long sizeLimitBytes;
    private long lastSnapshotIndex;
    /** Where the count towards the next snapshot starts: the last snapshot's index, or a skipped one's. */
    private long countedFromIndex;
    private long bytesSinceCount;

    SnapshotSchedule(int snapCount, long sizeLimitBytes) {
        this.snapCount = snapCount;
        this.sizeLimitBytes = sizeLimitBytes;
    }

    /** The state now covers {@code index} (a snapshot loaded at start or installed from the leader). */
    void coveredBy(long index) {
        lastSnapshotIndex = Math.max(lastSnapshotIndex, index);
        countedFromIndex = Math.max(countedFromIndex, lastSnapshotIndex);
        bytesSinceCount = 0;
    }

    /** An entry of {@code bytes} was applied. */
    void applied(int bytes) {
        bytesSinceCount += bytes;
    }

    /** Whether a periodic snapshot is due with {@code lastApplied} applied. */
    boolean due(long lastApplied) {
        return lastApplied - countedFromIndex >= snapCount || (sizeLimitBytes > 0 && bytesSinceCount >= sizeLimitBytes);
    }

    /** A snapshot of the state at {@code index} begins. */
    void begun(long index) {
        if (index < lastSnapshotIndex) throw new IllegalStateException("snapshot at " + index + " after one at " + lastSnapshotIndex);
        lastSnapshotIndex = index;
        countedFromIndex = index;
        bytesSinceCount = 0;
    }

    /** One came due at {@code lastApplied} while the one before was still being written: skipped. */
    void skipped(long lastApplied) {
        countedFromIndex = lastApplied;
        bytesSinceCount = 0;
    }

    /** The index of the last snapshot begun or loaded. */
    long lastSnapshotIndex() {
        return lastSnapshotIndex;
    }
}
