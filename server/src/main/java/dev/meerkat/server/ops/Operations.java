package dev.meerkat.server.ops;

import dev.meerkat.core.node.Node;
import dev.meerkat.core.stats.QuorumView;
import dev.meerkat.core.stats.ServerMode;
import dev.meerkat.core.stats.TreeStats;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.wire.server.ServerFacts;
import dev.meerkat.wire.server.ServerMetrics;
import dev.meerkat.wire.server.ZkServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A server's operations surface in one place: the facts the four-letter words and the AdminServer
 * report (configuration, directories, the full metric set), the ZooKeeper-named and Meerkat-named
 * meters in the server's Micrometer registry, and the role from the {@link QuorumView}. Everything
 * it answers comes from published values: counters, volatile snapshots, the last directory look.
 */
public final class Operations implements ServerFacts {
    private final ServerConfig config;
    private final Meters meters;
    private final ZooKeeperMetrics zk;
    private final MeerkatMetrics metrics;
    private final long startMs = System.currentTimeMillis();
    private volatile DirectoryFacts directories = new DirectoryFacts(null, null);
    private volatile Node node;
    private volatile QuorumView quorum;
    private volatile ZkServer server;

    public Operations(ServerConfig config, Meters meters) {
        this.config = config;
        this.meters = meters;
        this.zk = new ZooKeeperMetrics(meters);
        this.metrics = new MeerkatMetrics(meters, zk);
    }

    /** What the log, the node and the client port report their events to. */
    public MeerkatMetrics metrics() {
        return metrics;
    }

    public ServerConfig config() {
        return config;
    }

    /** The Micrometer registry (made now if nobody asked before). */
    public PrometheusMeterRegistry registry() {
        return meters.registry();
    }

    /** Where the server's meters are declared. */
    public Meters meters() {
        return meters;
    }

    /** Binds the running node (before the client port opens: four-letter words may come at once). */
    public void attachNode(Node n, QuorumView q, Path snapshotDir, Path logDir, MeteredLogStore log) {
        node = n;
        quorum = q;
        directories = new DirectoryFacts(snapshotDir, logDir);
        zk.bind("ephemerals_count", () -> (long) stats().ephemeralCount());
        zk.bind("znode_count", () -> stats().znodeCount() + 1L);
        zk.bind("global_sessions", () -> (long) stats().sessionCount());
        zk.bind("watch_count", () -> (long) stats().watchCount());
        zk.bind("approximate_data_size", () -> stats().approximateDataSize());
        zk.bind("open_file_descriptor_count", JvmMetrics::openFileDescriptors);
        zk.bind("max_file_descriptor_count", JvmMetrics::maxFileDescriptors);
        zk.bind("uptime", () -> System.currentTimeMillis() - startMs);
        meters.bind(registry -> {
            Gauge.builder("meerkat.raft.term", q, QuorumView::term).description("Raft term").register(registry);
            Gauge.builder("meerkat.raft.commit.index", q, QuorumView::commitIndex).description("highest log index known committed").register(registry);
            Gauge.builder("meerkat.last.applied.zxid", n, Node::lastApplied).description("last applied log index (zxid)").register(registry);
            Gauge.builder("meerkat.apply.lag.entries", this, o -> o.applyLag()).description("committed entries not yet applied").register(registry);
            if (log != null) {
                Gauge.builder("meerkat.log.fsync.threshold.exceeded", log, MeteredLogStore::thresholdExceeded)
                        .description("syncs slower than fsync.warningthresholdms").register(registry);
            }
        });
    }

    /** Binds the client port once it listens, and starts what runs in the background. */
    public void attachServer(ZkServer s) {
        server = s;
        ServerMetrics m = s.metrics();
        m.observer(metrics);
        zk.bind("num_alive_connections", () -> (long) m.connections());
        zk.bind("avg_latency", m::avgLatencyMs);
        zk.bind("min_latency", m::minLatencyMs);
        zk.bind("max_latency", m::maxLatencyMs);
        zk.bind("outstanding_requests", () -> (long) m.outstanding());
        zk.bind("packets_sent", m::packetsSent);
        zk.bind("packets_received", m::packetsReceived);
        zk.bind("last_client_response_size", m::lastResponseBytes);
        zk.bind("min_client_response_size", m::minResponseBytes);
        zk.bind("max_client_response_size", m::maxResponseBytes);
        zk.bind("auth_failed_count", m::authFailedCount);
        zk.bind("connection_rejected", m::connectionsRejected);
        zk.bind("bytes_received_count", m::bytesReceived);
        zk.bind("unsuccessful_handshake", m::unsuccessfulHandshakes);
        zk.registerGauges();
        // The JVM's meters matter only where /metrics is served; an embedded test server starts without them.
        boolean exposed = config.adminEnabled() || config.operations().prometheusEnabled();
        if (exposed && config.operations().metricsExportJvmInfo()) meters.bind(JvmMetrics::bind);
        directories.start();
    }

    public void stop() {
        directories.stop();
    }

    public ZkServer server() {
        return server;
    }

    public Node node() {
        return node;
    }

    public QuorumView quorum() {
        return quorum;
    }

    TreeStats stats() {
        Node n = node;
        return n == null ? TreeStats.EMPTY : n.stats();
    }

    long applyLag() {
        Node n = node;
        QuorumView q = quorum;
        return n == null || q == null ? 0 : Math.max(0, q.commitIndex() - n.lastApplied());
    }

    DirectoryFacts.Sizes directories() {
        return directories.current();
    }

    /** The last snapshot: written by this process, else the newest on disk; zxid -1 when none. */
    long[] lastSnapshot() {
        if (metrics.lastSnapshotZxid() >= 0) return new long[]{metrics.lastSnapshotZxid(), metrics.lastSnapshotMs()};
        DirectoryFacts.Sizes d = directories();
        return new long[]{d.newestSnapshotZxid(), d.newestSnapshotMs()};
    }

    /**
     * initial_configuration: the configuration file as read, or for a server started from the API the
     * zoo.cfg that would configure it the same way.
     */
    String initialConfig() {
        String text = config.operations().initialConfig();
        if (text != null) return text;
        ServerConfig c = config;
        StringBuilder sb = new StringBuilder()
                .append("tickTime=").append(c.tickTime()).append('\n')
                .append("clientPortAddress=").append(c.clientPortAddress()).append('\n')
                .append("clientPort=").append(c.clientPort()).append('\n');
        if (c.dataDir() != null) sb.append("dataDir=").append(c.dataDir()).append('\n');
        if (c.dataLogDir() != null) sb.append("dataLogDir=").append(c.dataLogDir()).append('\n');
        sb.append("minSessionTimeout=").append(c.effectiveMinSessionTimeout()).append('\n')
                .append("maxSessionTimeout=").append(c.effectiveMaxSessionTimeout()).append('\n')
                .append("maxClientCnxns=").append(c.maxClientCnxns()).append('\n')
                .append("snapCount=").append(c.snapCount()).append('\n')
                .append("autopurge.snapRetainCount=").append(c.snapRetainCount()).append('\n')
                .append("4lw.commands.whitelist=").append(String.join(",", new java.util.TreeSet<>(c.fourLetterWords()))).append('\n')
                .append("admin.enableServer=").append(c.adminEnabled()).append('\n');
        if (c.operations().prometheusEnabled()) sb.append("metricsProvider.className=").append(c.operations().metricsProviderClass()).append('\n');
        return sb.toString();
    }

    long uptimeMs() {
        return System.currentTimeMillis() - startMs;
    }

    // ---- ServerFacts ----------------------------------------------------------------------------

    @Override
    public List<String> conf() {
        ServerConfig c = config;
        DirectoryFacts.Sizes d = directories();
        ZkServer s = server;
        List<String> lines = new java.util.ArrayList<>(List.of(
                "clientPort=" + (s == null ? c.clientPort() : s.port()),
                "secureClientPort=-1",
                "dataDir=" + dir(directories.snapshotDir()),
                "dataDirSize=" + d.dataDirBytes(),
                "dataLogDir=" + dir(directories.logDir()),
                "dataLogSize=" + d.logDirBytes(),
                "tickTime=" + c.tickTime(),
                "maxClientCnxns=" + c.maxClientCnxns(),
                "minSessionTimeout=" + c.effectiveMinSessionTimeout(),
                "maxSessionTimeout=" + c.effectiveMaxSessionTimeout(),
                "clientPortListenBacklog=-1",
                "serverId=" + quorumView().serverId()));
        Node n = node;
        if (n != null && !n.cluster().isStandalone()) {
            // A quorum peer's extra lines, as ZooKeeper's QuorumPeer prints them.
            dev.meerkat.core.cluster.ServerSpec self = n.cluster().self();
            lines.add("initLimit=" + c.ensemble().initLimit());
            lines.add("syncLimit=" + c.ensemble().syncLimit());
            lines.add("electionAlg=3");
            lines.add("electionPort=" + self.electionPort());
            lines.add("quorumPort=" + self.peerPort());
            lines.add("peerType=" + (self.observer() ? 1 : 0));
            lines.add("membership: ");
            // The configuration in force: zoo.cfg's, or the newest a reconfig made.
            for (String line : n.configuration().published().text().split("\n")) lines.add(line);
        }
        return List.copyOf(lines);
    }

    static String dir(Path p) {
        return p == null ? "(in memory)" : p.toAbsolutePath().toString();
    }

    QuorumView quorumView() {
        QuorumView q = quorum;
        if (q == null) throw new IllegalStateException("operations asked before the node was attached");
        return q;
    }

    @Override
    public long dataDirSize() {
        return directories().dataDirBytes();
    }

    @Override
    public long logDirSize() {
        return directories().logDirBytes();
    }

    @Override
    public void monitor(BiConsumer<String, Object> out) {
        if (config.operations().prometheusEnabled()) {
            // As ZooKeeper with its Prometheus provider: mntr prints the provider's samples.
            PrometheusMonitor.dump(meters.registry(), out);
            return;
        }
        // The advanced summaries' percentiles live in the registry: mntr makes it if nobody did.
        meters.registry();
        zk.dump(out);
        QuorumView q = quorumView();
        if (q.mode() == ServerMode.LEADER) {
            out.accept("learners", (long) q.learners());
            // ZooKeeper 3.4's name, still read by monitoring scripts: voting followers.
            out.accept("followers", (long) q.followers());
            out.accept("synced_followers", (long) q.syncedFollowers());
            out.accept("synced_non_voting_followers", 0L);
            out.accept("synced_observers", (long) q.syncedObservers());
            out.accept("pending_syncs", (long) q.pendingSyncs());
        }
        if (q.peerState() != null) out.accept("peer_state", q.peerState());
        // Meerkat's own, after every ZooKeeper key.
        ZkServer s = server;
        if (s != null) s.metrics().monitorLimits(out);
        Node n = node;
        if (n != null && !n.cluster().isStandalone()) {
            dev.meerkat.core.node.ClusterStatus cs = n.status();
            out.accept("meerkat_server_id", cs.myId());
            out.accept("meerkat_leader_id", cs.leaderId());
            out.accept("meerkat_serving", cs.serving() ? 1L : 0L);
            for (dev.meerkat.core.node.ClusterStatus.PeerProgress p : cs.peers()) {
                out.accept("meerkat_follower_lag_entries{server=\"" + p.id() + "\"}", p.lag());
            }
            dev.meerkat.core.node.LeadershipTransfers.Stats t = n.leadershipTransfers();
            out.accept("meerkat_leadership_transfers_requested", t.requested());
            out.accept("meerkat_leadership_transfers_completed", t.completed());
            out.accept("meerkat_leadership_transfers_failed", t.failed());
            out.accept("meerkat_leadership_transfer_in_progress", t.inProgress() ? 1L : 0L);
            out.accept("meerkat_last_leadership_transfer_ms", t.lastDurationMs());
            out.accept("meerkat_config_version", n.configuration().published().version());
        }
        out.accept("meerkat_raft_term", q.term());
        out.accept("meerkat_raft_commit_index", q.commitIndex());
        out.accept("meerkat_last_applied_zxid", n == null ? 0L : n.lastApplied());
        out.accept("meerkat_apply_lag_entries", applyLag());
        out.accept("meerkat_tree_digest", stats().digest());
        long[] snap = lastSnapshot();
        out.accept("meerkat_last_snapshot_zxid", snap[0]);
    }
}
