package dev.meerkat.core.log;

import java.util.List;

/**
 * The durable log a node writes: Raft entries and Raft's hard state.
 *
 * <p>Threading: one thread (the node's log writer) calls the mutating methods; readers on other
 * threads are not supported. Nothing here is called from an event loop, since {@link #sync()} and
 * {@link #saveHardState(HardState)} block on the disk.
 */
public interface LogStore extends LogReader, AutoCloseable {

    /**
     * Appends contiguous entries. When the first entry's index is at or below {@link #lastIndex()},
     * the existing suffix from that index on is discarded first (Raft's conflict resolution).
     * Appended entries are readable at once but durable only after {@link #sync()}.
     *
     * @throws IllegalArgumentException if the entries are not contiguous, leave a gap after
     *                                  {@link #lastIndex()}, or start at or below {@link #snapshotIndex()}
     */
    void append(List<LogEntry> entries);

    /** Makes everything appended so far durable; returns once it is on disk. One call covers a batch. */
    void sync();

    /**
     * Allows the entries up to and including {@code index} to be dropped, because a durable snapshot
     * covers them. Afterwards {@link #snapshotIndex()} is {@code index} and {@link #snapshotTerm()} its term.
     * Dropping may be lazy (whole files at a time).
     */
    void compact(long index);

    /**
     * Discards the whole log and restarts it after an installed snapshot: afterwards
     * {@code snapshotIndex() == lastIndex() == index} and {@code snapshotTerm() == term}. Durable on return.
     */
    void resetToSnapshot(long index, long term);

    /** The last saved hard state, or {@link HardState#INITIAL}. */
    HardState hardState();

    /** Saves the hard state durably before returning (write, fsync, rename). */
    void saveHardState(HardState state);

    @Override
    void close();
}
