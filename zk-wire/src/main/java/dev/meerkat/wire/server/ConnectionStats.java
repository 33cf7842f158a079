package dev.meerkat.wire.server;

import java.lang.invoke.VarHandle;

/**
 * One connection's numbers as ZooKeeper's cons word and connections command print them. Written
 * only by the connection's event loop, on every request and reply, so the fields are plain and
 * each update ends with a release fence (a volatile write per field cost a full fence each, some
 * 5 % of a write's CPU); other threads read after an acquire fence and may see one reply's fields
 * half updated, as ZooKeeper's cons may. {@link #reset()} runs on the owning event loop too (crst
 * hops there).
 */
public final class ConnectionStats {
    private final long establishedMs;
    private long packetsReceived;
    private long packetsSent;
    private String lastOp = "NA";
    private long lastCxid = -1;
    private long lastZxid = -1;
    private long lastResponseMs;
    private long lastLatencyMs;
    private long minLatencyMs = Long.MAX_VALUE;
    private long maxLatencyMs;
    private long count;
    private long totalLatencyMs;

    ConnectionStats(long establishedMs) {
        this.establishedMs = establishedMs;
    }

    void received() {
        packetsReceived++;
        VarHandle.releaseFence();
    }

    void sent() {
        packetsSent++;
        VarHandle.releaseFence();
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
        VarHandle.releaseFence();
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
        VarHandle.releaseFence();
    }

    public long establishedMs() {
        return establishedMs;
    }

    public long packetsReceived() {
        VarHandle.acquireFence();
        return packetsReceived;
    }

    public long packetsSent() {
        VarHandle.acquireFence();
        return packetsSent;
    }

    public String lastOp() {
        VarHandle.acquireFence();
        return lastOp;
    }

    public long lastCxid() {
        VarHandle.acquireFence();
        return lastCxid;
    }

    public long lastZxid() {
        VarHandle.acquireFence();
        return lastZxid;
    }

    public long lastResponseMs() {
        VarHandle.acquireFence();
        return lastResponseMs;
    }

    public long lastLatencyMs() {
        VarHandle.acquireFence();
        return lastLatencyMs;
    }

    public long minLatencyMs() {
        VarHandle.acquireFence();
        long m = minLatencyMs;
        return m == Long.MAX_VALUE ? 0 : m;
    }

    public long maxLatencyMs() {
        VarHandle.acquireFence();
        return maxLatencyMs;
    }

    public long avgLatencyMs() {
        VarHandle.acquireFence();
        long n = count;
        return n == 0 ? 0 : totalLatencyMs / n;
    }
}
