package dev.meerkat.wire.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters the four-letter words report, updated from every event loop without locks. */
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
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyTotalMicros = new LongAdder();
    private final AtomicLong latencyMinMicros = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong latencyMaxMicros = new AtomicLong();

    void recordLatency(long nanos) {
        long micros = nanos / 1000;
        latencyCount.increment();
        latencyTotalMicros.add(micros);
        latencyMinMicros.accumulateAndGet(micros, Math::min);
        latencyMaxMicros.accumulateAndGet(micros, Math::max);
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

    /** Latencies in milliseconds, as ZooKeeper prints them: min, avg, max. */
    public double[] latencyMs() {
        long n = latencyCount.sum();
        if (n == 0) return new double[]{0, 0, 0};
        return new double[]{latencyMinMicros.get() / 1000.0, latencyTotalMicros.sum() / 1000.0 / n, latencyMaxMicros.get() / 1000.0};
    }

    public void reset() {
        latencyCount.reset();
        latencyTotalMicros.reset();
        latencyMinMicros.set(Long.MAX_VALUE);
        latencyMaxMicros.set(0);
    }
}
