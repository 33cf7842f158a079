package dev.meerkat.core.log;

/**
 * The newest entries of a log, kept as the objects that were appended: a leader applies and
 * replicates what it has just written, and reading that back from the queue would decode every
 * entry a second time. A contiguous run {@code [first, first + count)} ending at the log's last
 * index, bounded in entries and in bytes; older entries are read from the queue.
 *
 * <p>Owned by the log's one writing thread, as the store is.
 */
final class RecentEntries {
    private final LogEntry[] ring;
    private final int mask;
    private final long maxBytes;
    private long first = 1;
    private int count;
    private long bytes;

    RecentEntries(int maxEntries, long maxBytes) {
        if (Integer.bitCount(maxEntries) != 1) throw new IllegalArgumentException("a power of two: " + maxEntries);
        this.ring = new LogEntry[maxEntries];
        this.mask = maxEntries - 1;
        this.maxBytes = maxBytes;
    }

    /** The entry at {@code index}, or null when it is not held here. */
    LogEntry get(long index) {
        if (index < first || index >= first + count) return null;
        LogEntry e = ring[(int) (index & mask)];
        if (e.index() != index) throw new IllegalStateException("recent entry " + index + " holds " + e.index());
        return e;
    }

    /** {@code e} was appended after the entries held (or after a {@link #truncateFrom} of its index). */
    void appended(LogEntry e) {
        if (count == 0) {
            first = e.index();
        } else if (e.index() != first + count) {
            throw new IllegalStateException("entry " + e.index() + " appended after " + (first + count - 1));
        }
        if (count == ring.length) dropFirst();
        ring[(int) (e.index() & mask)] = e;
        count++;
        bytes += e.sizeInBytes();
        while (bytes > maxBytes && count > 1) dropFirst();
    }

    /** Entries from {@code index} on are gone from the log (a truncation). */
    void truncateFrom(long index) {
        while (count > 0 && first + count - 1 >= index) {
            int slot = (int) ((first + count - 1) & mask);
            bytes -= ring[slot].sizeInBytes();
            ring[slot] = null;
            count--;
        }
    }

    /** The log was compacted to a snapshot or reset: nothing held is the log's any more. */
    void clear() {
        java.util.Arrays.fill(ring, null);
        count = 0;
        bytes = 0;
    }

    int size() {
        return count;
    }

    private void dropFirst() {
        int slot = (int) (first & mask);
        bytes -= ring[slot].sizeInBytes();
        ring[slot] = null;
        first++;
        count--;
    }
}
