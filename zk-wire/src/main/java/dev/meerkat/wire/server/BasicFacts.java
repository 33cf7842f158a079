package dev.meerkat.wire.server;

import dev.meerkat.core.stats.TreeStats;

import java.util.List;
import java.util.function.BiConsumer;

/** The facts a client port knows by itself, for a ZkServer started without a server around it. */
final class BasicFacts implements ServerFacts {
    private final ZkServer server;

    BasicFacts(ZkServer server) {
        this.server = server;
    }

    @Override
    public List<String> conf() {
        WireConfig c = server.config();
        return List.of("clientPort=" + server.port(), "secureClientPort=-1", "maxClientCnxns=" + c.maxClientCnxns(),
                "minSessionTimeout=" + c.minSessionTimeoutMs(), "maxSessionTimeout=" + c.maxSessionTimeoutMs(), "serverId=0");
    }

    @Override
    public long dataDirSize() {
        return 0;
    }

    @Override
    public long logDirSize() {
        return 0;
    }

    @Override
    public void monitor(BiConsumer<String, Object> out) {
        ServerMetrics m = server.metrics();
        TreeStats s = server.node().stats();
        out.accept("avg_latency", m.avgLatencyMs());
        out.accept("max_latency", m.maxLatencyMs());
        out.accept("min_latency", m.minLatencyMs());
        out.accept("packets_received", m.packetsReceived());
        out.accept("packets_sent", m.packetsSent());
        out.accept("num_alive_connections", m.connections());
        out.accept("outstanding_requests", (long) m.outstanding());
        out.accept("znode_count", FourLetterWords.zooKeeperNodeCount(s));
        out.accept("watch_count", (long) s.watchCount());
        out.accept("ephemerals_count", (long) s.ephemeralCount());
        out.accept("approximate_data_size", s.approximateDataSize());
        out.accept("global_sessions", (long) s.sessionCount());
        m.monitorLimits(out);
    }
}
