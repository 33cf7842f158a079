package dev.meerkat.wire.server;

/**
 * Bounds on what clients can make the server hold, each with a zoo.cfg key. None of them bites a
 * well-behaved client: each is far above what one needs, and most push back (stop reading) before
 * they refuse.
 *
 * @param handshakeTimeoutMs     {@code meerkat.handshakeTimeoutMs}: a connection that has not sent a
 *                               complete ConnectRequest (TLS handshake included) by then is closed, as
 *                               ZooKeeper closes sessionless connections after 10 s
 * @param maxOutboundBytes       {@code meerkat.maxOutboundBytes}: replies owed to one connection (written
 *                               but not yet taken by its socket, or computed and waiting their turn);
 *                               past a quarter of it no more of its reads are run until it drains; past all
 *                               of it, a client that has taken nothing for {@code outboundStallMs} has
 *                               stopped reading and is disconnected (one that reads slowly is not)
 * @param outboundStallMs        {@code meerkat.outboundStallMs}: see above
 * @param maxCnxns               {@code maxCnxns}: connections in total, 0 = no limit (per address it is
 *                               {@code maxClientCnxns})
 * @param globalOutstandingLimit {@code globalOutstandingLimit}: requests in the server at once; beyond it,
 *                               connections with requests in flight are not read from until it drops
 * @param maxMultiOps            {@code meerkat.maxMultiOps}: operations in one multi or multiRead
 */
public record ConnectionLimits(int handshakeTimeoutMs, long maxOutboundBytes, int outboundStallMs, int maxCnxns,
                               int globalOutstandingLimit, int maxMultiOps) {

    /** How many reads of one connection may be computed ahead of its socket. */
    static final int MAX_READS_AHEAD = 32;

    public static ConnectionLimits defaults() {
        return new ConnectionLimits(10_000, 64L << 20, 10_000, 0, 1000, 10_000);
    }

    public ConnectionLimits {
        if (handshakeTimeoutMs < 1) throw new IllegalArgumentException("handshakeTimeoutMs " + handshakeTimeoutMs);
        if (maxOutboundBytes < (1 << 20)) throw new IllegalArgumentException("maxOutboundBytes below 1 MiB: " + maxOutboundBytes);
        if (outboundStallMs < 1 || maxCnxns < 0 || globalOutstandingLimit < 1 || maxMultiOps < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public ConnectionLimits withHandshakeTimeoutMs(int ms) {
        return new ConnectionLimits(ms, maxOutboundBytes, outboundStallMs, maxCnxns, globalOutstandingLimit, maxMultiOps);
    }

    public ConnectionLimits withOutbound(long maxBytes, int stallMs) {
        return new ConnectionLimits(handshakeTimeoutMs, maxBytes, stallMs, maxCnxns, globalOutstandingLimit, maxMultiOps);
    }

    public ConnectionLimits withMaxCnxns(int n) {
        return new ConnectionLimits(handshakeTimeoutMs, maxOutboundBytes, outboundStallMs, n, globalOutstandingLimit, maxMultiOps);
    }

    public ConnectionLimits withGlobalOutstandingLimit(int n) {
        return new ConnectionLimits(handshakeTimeoutMs, maxOutboundBytes, outboundStallMs, maxCnxns, n, maxMultiOps);
    }

    public ConnectionLimits withMaxMultiOps(int n) {
        return new ConnectionLimits(handshakeTimeoutMs, maxOutboundBytes, outboundStallMs, maxCnxns, globalOutstandingLimit, n);
    }

    /** Owed bytes beyond which a connection's further requests wait. */
    public long outboundSoftLimit() {
        return maxOutboundBytes / 4;
    }
}
