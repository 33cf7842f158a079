package dev.meerkat.server;

import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults on purpose, for the tests that prove a server fail-stops: with the system property
 * {@code meerkat.fault.logSyncFailsAfter=N}, the log's N+1st fsync fails as a dying disk's would
 * (an I/O error), on the log thread. Unset (always, outside such tests) nothing is wrapped.
 */
final class FaultInjection {
    private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);
    static final String SYNC_FAILS_AFTER = "meerkat.fault.logSyncFailsAfter";

    private FaultInjection() {
    }

    static LogStore wrap(LogStore log) {
        String after = System.getProperty(SYNC_FAILS_AFTER);
        if (after == null) return log;
        long n = Long.parseLong(after.trim());
        LOG.warn("fault injection: the log's fsync fails after {} successful ones ({})", n, SYNC_FAILS_AFTER);
        return new FailingSyncs(log, n);
    }

    /** Passes everything through until the allowed syncs are used up; then every sync fails. */
    private static final class FailingSyncs implements LogStore {
        private final LogStore log;
        private final AtomicLong left;

        FailingSyncs(LogStore log, long allowed) {
            this.log = log;
            this.left = new AtomicLong(allowed);
        }

        @Override
        public void sync() {
            if (left.getAndDecrement() <= 0) {
                throw new UncheckedIOException(new IOException("fsync of the log failed: input/output error (injected)"));
            }
            log.sync();
        }

        @Override
        public void append(List<LogEntry> entries) {
            log.append(entries);
        }

        @Override
        public void compact(long index) {
            log.compact(index);
        }

        @Override
        public void resetToSnapshot(long index, long term) {
            log.resetToSnapshot(index, term);
        }

        @Override
        public HardState hardState() {
            return log.hardState();
        }

        @Override
        public void saveHardState(HardState state) {
            log.saveHardState(state);
        }

        @Override
        public void close() {
            log.close();
        }

        @Override
        public long lastIndex() {
            return log.lastIndex();
        }

        @Override
        public long term(long index) {
            return log.term(index);
        }

        @Override
        public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
            return log.entries(from, toExclusive, maxBytes);
        }

        @Override
        public long snapshotIndex() {
            return log.snapshotIndex();
        }

        @Override
        public long snapshotTerm() {
            return log.snapshotTerm();
        }
    }
}
