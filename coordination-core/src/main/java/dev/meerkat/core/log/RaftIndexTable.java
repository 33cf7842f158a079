package dev.meerkat.core.log;

/**
 * Where each live Raft entry sits in the queue, and its term, for a contiguous run of Raft indexes.
 * Primitive arrays rather than a map: the live indexes are always contiguous, so a lookup is an
 * array access and {@code term(i)} never touches the disk. 16 bytes per live entry.
 */
final class RaftIndexTable {

    private long[] queueIndexes = new long[1024];
    private long[] terms = new long[1024];
    private int start;
    private int size;
    /** Raft index held in slot {@code start}. */
    private long first = 1;

    /** Raft index of the first entry held (meaningful when not empty). */
    long first() {
        return first;
    }

    /** Raft index after the last entry held. */
    long end() {
        return first + size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(long raftIndex) {
        return raftIndex >= first && raftIndex < first + size;
    }

    long queueIndex(long raftIndex) {
        return queueIndexes[slot(raftIndex)];
    }

    long term(long raftIndex) {
        return terms[slot(raftIndex)];
    }

    /**
     * Records an entry. Appending at {@link #end()} extends the run; an index inside the run first
     * discards everything from there (last write wins); an index past the end starts a new run, which
     * only happens while replaying a log whose older files were compacted away.
     */
    void put(long raftIndex, long queueIndex, long term) {
        if (size > 0 && raftIndex < end()) {
            truncateFrom(raftIndex);
        }
        if (size == 0 || raftIndex != end()) {
            size = 0;
            start = 0;
            first = raftIndex;
        }
        if (start + size == queueIndexes.length) grow();
        queueIndexes[start + size] = queueIndex;
        terms[start + size] = term;
        size++;
    }

    /** Forgets every entry at or after {@code raftIndex}. */
    void truncateFrom(long raftIndex) {
        if (raftIndex <= first) {
            size = 0;
        } else if (raftIndex < end()) {
            size = (int) (raftIndex - first);
        }
    }

    /** Forgets every entry at or before {@code raftIndex}. */
    void dropUpTo(long raftIndex) {
        if (raftIndex < first) return;
        if (raftIndex >= end() - 1) {
            first = raftIndex + 1;
            start = 0;
            size = 0;
            return;
        }
        int n = (int) (raftIndex - first + 1);
        start += n;
        size -= n;
        first = raftIndex + 1;
    }

    void clear(long nextIndex) {
        start = 0;
        size = 0;
        first = nextIndex;
    }

    private int slot(long raftIndex) {
        if (!contains(raftIndex)) throw new IndexOutOfBoundsException("raft index " + raftIndex + " not in [" + first + ", " + end() + ")");
        return start + (int) (raftIndex - first);
    }

    private void grow() {
        // Reclaim the dropped prefix first; only double when the live run really needs the room.
        int capacity = size * 2 > queueIndexes.length ? queueIndexes.length * 2 : queueIndexes.length;
        long[] q = new long[capacity];
        long[] t = new long[capacity];
        System.arraycopy(queueIndexes, start, q, 0, size);
        System.arraycopy(terms, start, t, 0, size);
        queueIndexes = q;
        terms = t;
        start = 0;
    }
}
