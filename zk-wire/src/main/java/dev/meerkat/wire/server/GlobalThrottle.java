package dev.meerkat.wire.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * ZooKeeper's {@code globalOutstandingLimit}: while more requests than that are in the server, a
 * connection that already has requests in flight is not read from; reading resumes, connection by
 * connection, once the count drops. A connection with nothing in flight is always read, so no
 * client starves. Any thread: the counter is shared by every event loop.
 */
final class GlobalThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalThrottle.class);

    /** A connection that can be told to try reading again (it does so on its own event loop). */
    interface Throttled {
        void retryReading();
    }

    private final int limit;
    private final ServerMetrics metrics;
    private final Set<Throttled> waiting = ConcurrentHashMap.newKeySet();
    private final RateLimitedLog log = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    GlobalThrottle(int limit, ServerMetrics metrics) {
        this.limit = limit;
        this.metrics = metrics;
    }

    /** Whether a connection with {@code mine} requests in flight may take another one now. */
    boolean allows(int mine) {
        return mine == 0 || metrics.outstanding() < limit;
    }

    /** The connection stops reading until the count drops below the limit. */
    void hold(Throttled c) {
        if (waiting.add(c)) {
            metrics.throttleEvents.increment();
            metrics.throttledConnections.incrementAndGet();
            log.warn("throttling: {} requests outstanding, globalOutstandingLimit is {}; connections with requests in flight wait",
                    metrics.outstanding(), limit);
        }
    }

    /** Requests left the server: wake the waiting connections if there is room again. */
    void released() {
        if (waiting.isEmpty() || metrics.outstanding() >= limit) return;
        for (Throttled c : waiting) {
            if (waiting.remove(c)) {
                metrics.throttledConnections.decrementAndGet();
                c.retryReading();
            }
        }
    }

    /** A closed connection waits for nothing. */
    void forget(Throttled c) {
        if (waiting.remove(c)) metrics.throttledConnections.decrementAndGet();
    }
}
