package dev.meerkat.core.log;

import java.util.List;

/**
 * Read side of the persisted log, which is all the Raft engine needs to look at.
 *
 * <p>The log may start after a snapshot: entries up to {@link #snapshotIndex()} are gone, but the
 * term of the snapshot's last entry stays known so that log matching still works at the boundary.
 */
public interface LogReader {

    /** Index of the last entry covered by the newest snapshot (0 if none). */
    long snapshotIndex();

    /** Term of the entry at {@link #snapshotIndex()} (0 if none). */
    long snapshotTerm();

    /** Index of the first entry still in the log; {@code snapshotIndex() + 1}. */
    default long firstIndex() {
        return snapshotIndex() + 1;
    }

    /** Index of the last entry in the log, or {@link #snapshotIndex()} when the log is empty. */
    long lastIndex();

    /**
     * Term of the entry at {@code index}, for {@code snapshotIndex() <= index <= lastIndex()}.
     *
     * @throws IndexOutOfBoundsException outside that range
     */
    long term(long index);

    /**
     * Entries in {@code [from, toExclusive)}, stopping once {@code maxBytes} is exceeded but always
     * returning at least one entry when the range is not empty.
     *
     * @throws IndexOutOfBoundsException when {@code from < firstIndex()} or {@code toExclusive > lastIndex() + 1}
     */
    List<LogEntry> entries(long from, long toExclusive, long maxBytes);
}
