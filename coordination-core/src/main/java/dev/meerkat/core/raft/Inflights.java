package dev.meerkat.core.raft;

/**
 * Append messages sent to one follower in replicate state and not yet acknowledged, remembered by
 * their last index. Bounding them bounds what the leader can have queued for a slow follower.
 */
final class Inflights {
    private final long[] lastIndexes;
    private int start;
    private int count;

    Inflights(int capacity) {
        lastIndexes = new long[capacity];
    }

    boolean full() {
        return count == lastIndexes.length;
    }

    int count() {
        return count;
    }

    void add(long lastIndex) {
        if (full()) throw new IllegalStateException("inflights full");
        lastIndexes[(start + count) % lastIndexes.length] = lastIndex;
        count++;
    }

    /** An acknowledgement up to {@code index} frees every message that ended at or before it. */
    void freeLE(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    void freeFirstOne() {
        if (count > 0) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    void reset() {
        start = 0;
        count = 0;
    }
}
