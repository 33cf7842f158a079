package dev.meerkat.wire.server;

/**
 * One connection's numbers as ZooKeeper's cons word and connections command print them. Written
 * only by the connection's event loop; other threads read the volatile fields (a cons answer may
 * see one reply's fields half updated, as ZooKeeper's may). {@link #reset()} runs on the owning
 * event loop too (crst hops there).
 */
public final class ConnectionStats {
    private final long establishedMs;
    private volatile long packetsReceived;
    private volatile long packetsSent;
    private volatile String lastOp = "NA";
    private volatile long lastCxid = -1;
    private volatile long lastZxid = -1;
    private volatile long lastResponseMs;
    private volatile long lastLatencyMs;
    private volatile long minLatencyMs = Long.MAX_VALUE;
    private volatile long maxLatencyMs;
    private volatile long count;
    private volatile long totalLatencyMs;

    ConnectionStats(long establishedMs) {
        this.establishedMs = establishedMs;
    }

    void received() {
        packetsReceived++;
    }

    void sent() {
        packetsSent++;
    }

    /** A reply left: ZooKeeper's updateStatsForResponse (special xids do not replace the last cxid). */
    void replied(int xid, long zxid, int opcode, long latencyMs, long nowMs) {
        if (xid >= 0) lastCxid = xid;
        lastZxid = zxid;
        lastOp = OpNames.lastOp(opcode);
        lastResponseMs = nowMs;
        lastLatencyMs = latencyMs;
        if (latencyMs < minLatencyMs) minLatencyMs = latencyMs;
        if (latencyMs > maxLatencyMs) maxLatencyMs = latencyMs;
        count++;
        totalLatencyMs += latencyMs;
    }

    void reset() {
        packetsReceived = 0;
        packetsSent = 0;
        minLatencyMs = Long.MAX_VALUE;
        maxLatencyMs = 0;
        lastOp = "NA";
        lastCxid = -1;
        lastZxid = -1;
        lastResponseMs = 0;
        lastLatencyMs = 0;
        count = 0;
        totalLatencyMs = 0;
    }

    public long establishedMs() {
        return establishedMs;
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public String lastOp() {
        return lastOp;
    }

    public long lastCxid() {
        return lastCxid;
    }

    public long lastZxid() {
        return lastZxid;
    }

    public long lastResponseMs() {
        return lastResponseMs;
    }

    public long lastLatencyMs() {
        return lastLatencyMs;
    }

    public long minLatencyMs() {
        long m = minLatencyMs;
        return m == Long.MAX_VALUE ? 0 : m;
    }

    public long maxLatencyMs() {
        return maxLatencyMs;
    }

    public long avgLatencyMs() {
        long n = count;
        return n == 0 ? 0 : totalLatencyMs / n;
    }
}
