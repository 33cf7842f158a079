package dev.meerkat.core.log;

/**
 * One excerpt of the Chronicle log. Chronicle is append-only, so everything that changes the log's
 * shape (discarding a suffix, dropping a prefix, restarting after a snapshot) is itself a record,
 * and the log's state is what replaying them in queue order gives: the last write wins.
 */
sealed interface LogRecord {

    /** A Raft entry. */
    record Entry(LogEntry entry) implements LogRecord {
    }

    /** Every entry from {@code fromIndex} on, written before this record, is void. */
    record Truncate(long fromIndex) implements LogRecord {
    }

    /** A durable snapshot covers entries up to {@code index}; they may be dropped. */
    record Compact(long index, long term) implements LogRecord {
    }

    /** All earlier entries are void; the log restarts after a snapshot at {@code index}. */
    record Reset(long index, long term) implements LogRecord {
    }

    /**
     * Written on recovery after a damaged excerpt: everything in the queue from
     * {@code firstBadQueueIndex} up to this record is void. Without it the next start-up would find
     * the same damage and void the entries appended since.
     */
    record RecoveryCut(long firstBadQueueIndex) implements LogRecord {
    }
}
