package dev.meerkat.wire.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client port's counters, as ZooKeeper's ServerStats keeps them for srvr, stat and mntr:
 * packets, latency (whole milliseconds, as ZooKeeper measures), connections, outstanding requests,
 * response sizes. Updated from every event loop without locks. Each reply is also told to the
 * {@link RequestObserver}, where the server keeps its histograms.
 */
public final class ServerMetrics {
    final LongAdder packetsReceived = new LongAdder();
    final LongAdder packetsSent = new LongAdder();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger outstanding = new AtomicInteger();
    /** Each time a limit bites, by what it protects (see {@link ConnectionLimits}). */
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder outboundLimitDisconnects = new LongAdder();
    final LongAdder connectionsRefusedTotal = new LongAdder();
    final LongAdder connectionsRefusedPerAddress = new LongAdder();
    final LongAdder throttleEvents = new LongAdder();
    final AtomicInteger throttledConnections = new AtomicInteger();
    final LongAdder watchesRefused = new LongAdder();
    final LongAdder multisRefused = new LongAdder();
    final LongAdder requestsFailedInternally = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder tlsHandshakeFailures = new LongAdder();
    final LongAdder quotaExceeded = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder authFailed = new LongAdder();
    private final LongAdder connectionsRejected = new LongAdder();
    private final LongAdder handshakesFailed = new LongAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyTotalMs = new LongAdder();
    private final AtomicLong latencyMinMs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong latencyMaxMs = new AtomicLong();
    private final AtomicLong lastResponseBytes = new AtomicLong(-1);
    private final AtomicLong minResponseBytes = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxResponseBytes = new AtomicLong(-1);
    private volatile RequestObserver observer = RequestObserver.NONE;

    /** Where each reply is reported besides these counters (the server's histograms). */
    public void observer(RequestObserver o) {
        observer = o == null ? RequestObserver.NONE : o;
    }

    void replied(int opcode, boolean write, long latencyNanos, int responseBytes) {
        long ms = latencyNanos / 1_000_000;
        latencyCount.increment();
        latencyTotalMs.add(ms);
        if (ms < latencyMinMs.get()) latencyMinMs.accumulateAndGet(ms, Math::min);
        if (ms > latencyMaxMs.get()) latencyMaxMs.accumulateAndGet(ms, Math::max);
        lastResponseBytes.set(responseBytes);
        if (responseBytes < minResponseBytes.get()) minResponseBytes.accumulateAndGet(responseBytes, Math::min);
        if (responseBytes > maxResponseBytes.get()) maxResponseBytes.accumulateAndGet(responseBytes, Math::max);
        observer.replied(opcode, write, latencyNanos, responseBytes);
    }

    void bytesReceived(int n) {
        bytesReceived.add(n);
    }

    void authFailed() {
        authFailed.increment();
    }

    void connectionRejected() {
        connectionsRejected.increment();
    }

    void handshakeFailed() {
        handshakesFailed.increment();
    }

    public long packetsReceived() {
        return packetsReceived.sum();
    }

    public long packetsSent() {
        return packetsSent.sum();
    }

    public int connections() {
        return connections.get();
    }

    public int outstanding() {
        return outstanding.get();
    }

    public long handshakeTimeouts() {
        return handshakeTimeouts.sum();
    }

    public long outboundLimitDisconnects() {
        return outboundLimitDisconnects.sum();
    }

    public long connectionsRefusedTotal() {
        return connectionsRefusedTotal.sum();
    }

    public long connectionsRefusedPerAddress() {
        return connectionsRefusedPerAddress.sum();
    }

    public long throttleEvents() {
        return throttleEvents.sum();
    }

    public int throttledConnections() {
        return throttledConnections.get();
    }

    public long watchesRefused() {
        return watchesRefused.sum();
    }

    public long multisRefused() {
        return multisRefused.sum();
    }

    public long requestsFailedInternally() {
        return requestsFailedInternally.sum();
    }

    public long authFailures() {
        return authFailures.sum();
    }

    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    public long quotaExceeded() {
        return quotaExceeded.sum();
    }

    /**
     * mntr's lines for the limits and checks of issue 10 (each time one bit), as {@code meerkat_*}
     * keys: they follow ZooKeeper's keys (the four-letter word prefixes {@code zk_}).
     */
    public void monitorLimits(java.util.function.BiConsumer<String, Object> out) {
        out.accept("meerkat_handshake_timeouts", handshakeTimeouts());
        out.accept("meerkat_outbound_limit_disconnects", outboundLimitDisconnects());
        out.accept("meerkat_connections_refused_max_cnxns", connectionsRefusedTotal());
        out.accept("meerkat_connections_refused_max_client_cnxns", connectionsRefusedPerAddress());
        out.accept("meerkat_throttle_events", throttleEvents());
        out.accept("meerkat_watches_refused", watchesRefused());
        out.accept("meerkat_multis_refused", multisRefused());
        out.accept("meerkat_auth_failures", authFailures());
        out.accept("meerkat_tls_failures", tlsHandshakeFailures());
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long authFailedCount() {
        return authFailed.sum();
    }

    public long connectionsRejected() {
        return connectionsRejected.sum();
    }

    public long unsuccessfulHandshakes() {
        return handshakesFailed.sum();
    }

    public long minLatencyMs() {
        long m = latencyMinMs.get();
        return m == Long.MAX_VALUE ? 0 : m;
    }

    public long maxLatencyMs() {
        return latencyMaxMs.get();
    }

    /** As ZooKeeper: a double, 0.0 before the first request. */
    public double avgLatencyMs() {
        long n = latencyCount.sum();
        return n == 0 ? 0.0 : latencyTotalMs.sum() / (double) n;
    }

    /** ZooKeeper's client_response_stats: -1 until the first reply. */
    public long lastResponseBytes() {
        return lastResponseBytes.get();
    }

    public long minResponseBytes() {
        long m = minResponseBytes.get();
        return m == Long.MAX_VALUE ? -1 : m;
    }

    public long maxResponseBytes() {
        return maxResponseBytes.get();
    }

    /** srst: what ZooKeeper's ServerStats.reset clears (latency, packet counters, response sizes). */
    public void reset() {
        latencyCount.reset();
        latencyTotalMs.reset();
        latencyMinMs.set(Long.MAX_VALUE);
        latencyMaxMs.set(0);
        packetsReceived.reset();
        packetsSent.reset();
        lastResponseBytes.set(-1);
        minResponseBytes.set(Long.MAX_VALUE);
        maxResponseBytes.set(-1);
        authFailed.reset();
        bytesReceived.reset();
        connectionsRejected.reset();
        handshakesFailed.reset();
        observer.reset();
    }
}
