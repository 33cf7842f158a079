package dev.meerkat.wire.server;

/**
 * One client connection as cons and the AdminServer's connections command describe it.
 *
 * @param remoteAddress "ip:port" of the client
 * @param interestOps   ZooKeeper's selector interest: 1 (reading) for a client, 0 for a four-letter-word connection
 * @param sessionId     0 while no session is bound
 */
public record ConnectionInfo(String remoteAddress, int interestOps, long outstanding, long packetsReceived, long packetsSent,
                             long sessionId, String lastOp, long establishedMs, int sessionTimeoutMs, long lastCxid,
                             long lastZxid, long lastResponseMs, long lastLatencyMs, long minLatencyMs,
                             long avgLatencyMs, long maxLatencyMs) {

    /** ZooKeeper's ServerCnxn.dumpConnectionInfo: brief for stat, full for cons. */
    public String describe(boolean brief) {
        StringBuilder sb = new StringBuilder(" /").append(remoteAddress).append('[')
                .append(interestOps == 0 ? "0" : Integer.toHexString(interestOps))
                .append("](queued=").append(outstanding).append(",recved=").append(packetsReceived)
                .append(",sent=").append(packetsSent);
        if (!brief && sessionId != 0) {
            sb.append(",sid=0x").append(Long.toHexString(sessionId)).append(",lop=").append(lastOp)
                    .append(",est=").append(establishedMs).append(",to=").append(sessionTimeoutMs);
            if (lastCxid >= 0) sb.append(",lcxid=0x").append(Long.toHexString(lastCxid));
            sb.append(",lzxid=0x").append(Long.toHexString(lastZxid)).append(",lresp=").append(lastResponseMs)
                    .append(",llat=").append(lastLatencyMs).append(",minlat=").append(minLatencyMs)
                    .append(",avglat=").append(avgLatencyMs).append(",maxlat=").append(maxLatencyMs);
        }
        return sb.append(')').toString();
    }
}
