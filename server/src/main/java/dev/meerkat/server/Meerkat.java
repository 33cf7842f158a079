package dev.meerkat.server;

import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.PeerTransport;
import dev.meerkat.core.cluster.transport.TransportConfig;
import dev.meerkat.core.cluster.transport.VertxPeerTransport;
import dev.meerkat.core.log.ChronicleLogStore;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.log.MemoryLogStore;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.node.NodeConfig;
import dev.meerkat.core.node.NodeQuorumView;
import dev.meerkat.core.stats.QuorumView;
import dev.meerkat.core.storage.DataDirectory;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.registry.BrokerRegistry;
import dev.meerkat.registry.RegistryOptions;
import dev.meerkat.server.config.ConfigException;
import dev.meerkat.server.config.EnsembleSettings;
import dev.meerkat.server.config.KafkaViewConfig;
import dev.meerkat.server.config.SecurityConfig;
import dev.meerkat.wire.security.KerberosNames;
import dev.meerkat.wire.security.SaslAuthenticator;
import dev.meerkat.wire.security.WireSecurity;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.reconfig.DynamicConfigFiles;
import dev.meerkat.server.http.AdminHttpServer;
import dev.meerkat.server.http.HttpRoutes;
import dev.meerkat.server.ops.AdminCommands;
import dev.meerkat.server.ops.AdminRoutes;
import dev.meerkat.server.ops.MeteredLogStore;
import dev.meerkat.server.ops.Meters;
import dev.meerkat.wire.server.ServerMetrics;
import dev.meerkat.server.ops.MetricsRoutes;
import dev.meerkat.server.ops.Operations;
import dev.meerkat.wire.server.WireConfig;
import dev.meerkat.wire.server.ZkServer;
import dev.meerkat.wire.transport.NioClientPort;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running Meerkat server: what {@code main} starts and what tests embed. A single node, or one
 * server of an ensemble (when the configuration has {@code server.N} lines).
 *
 * <pre>{@code
 * try (Meerkat meerkat = Meerkat.embedded()) {          // free port, in-memory data
 *     ZooKeeper zk = new ZooKeeper(meerkat.connectString(), 10_000, event -> {});
 * }
 * }</pre>
 */
public final class Meerkat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Meerkat.class);

    /** What a started server is made of, in the order it is closed (reversed). */
    private record Parts(Vertx vertx, DataDirectory dataDirectory, Node node, PeerTransport peers, ZkServer zkServer,
                         AdminHttpServer adminServer, AdminHttpServer metricsServer,
                         Operations operations, BrokerRegistry kafkaRegistry) {
    }

    private final ServerConfig config;
    private final Parts parts;
    private final long startNanos;

    private Meerkat(ServerConfig config, Parts parts, long startNanos) {
        this.config = config;
        this.parts = parts;
        this.startNanos = startNanos;
    }

    /** A single node on a free loopback port, keeping its data in memory: for tests. */
    public static Meerkat embedded() {
        return start(embeddedConfig(null));
    }

    /** A single node on a free loopback port with its data in {@code dataDir}. */
    public static Meerkat embedded(Path dataDir) {
        return start(embeddedConfig(dataDir));
    }

    /**
     * What a test server runs with: a free loopback port, every four-letter word allowed (as
     * Curator's TestingServer does), and no AdminServer, so that many servers fit on one machine.
     */
    public static ServerConfig embeddedConfig(Path dataDir) {
        // No Kafka view: a test's own Kafka brings its own classes, and the view's are not needed there.
        return ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(dataDir)
                .withFourLetterWords(Set.of("*")).withAdminServer(false, "127.0.0.1", 0).withKafkaView(KafkaViewConfig.disabled());
    }

    /**
     * Starts a server (a single node, or this server's part of an ensemble); returns once its client
     * port accepts connections. An ensemble member serves clients once it has found its quorum.
     */
    public static Meerkat start(ServerConfig config) {
        // The plain client port is bound on a thread of its own while the node starts; clients that
        // come early wait in the backlog until the server accepts. Closed here if the start fails first.
        ClusterConfig cluster = config.ensemble().cluster(config.dataDir());
        CompletableFuture<NioClientPort> clientPort = null;
        if (!config.security().securePortOnly()) {
            clientPort = ZkServer.bindAhead(config.clientAddressFor(cluster), config.clientPortFor(cluster), clientLoops());
        }
        try {
            return start(config, cluster, clientPort);
        } catch (RuntimeException | Error e) {
            if (clientPort != null) clientPort.thenAccept(p -> {
                if (!p.accepting()) p.close();
            });
            throw e;
        }
    }

    private static int clientLoops() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    private static Meerkat start(ServerConfig config, ClusterConfig cluster, CompletableFuture<NioClientPort> clientPort) {
        long t0 = System.nanoTime();
        if (!cluster.isStandalone()) {
            // A joining server gets initLimit ticks to catch up before it must vote, as in ZooKeeper.
            cluster = cluster.withReconfig(config.ensemble().reconfigEnabled(), config.ensemble().initLimit() * config.tickTime())
                    .withReadOnlyMode(config.ensemble().readOnlyModeEnabled());
        }
        if (!cluster.isStandalone() && config.inMemory()) {
            throw new ConfigException("a server of an ensemble needs a dataDir: an in-memory server could not survive its own restart");
        }
        int loops = clientLoops();
        // The plain client port needs no Vert.x; the peers and a TLS port do, before clients are
        // served, and the HTTP endpoints after. On a cold JVM each is mostly class loading, done on
        // a thread of its own while the node starts here when a CPU is spare; on one CPU that would
        // only delay serving, so what can wait (HTTP's Vert.x, the meter registry) waits until the
        // client port serves.
        boolean spareCpu = Runtime.getRuntime().availableProcessors() > 1;
        boolean vertxBeforeServing = !cluster.isStandalone() || config.security().secureClientPort() >= 0;
        boolean vertxForHttp = config.adminEnabled() || config.operations().prometheusEnabled();
        CompletableFuture<Vertx> vertxStarting = vertxBeforeServing || (vertxForHttp && spareCpu)
                ? VertxStarter.startAsync(loops, config.adminEnabled()) : CompletableFuture.completedFuture(null);
        // One registry for every meter of this server, whoever exposes it; made ahead only if it is
        // served, otherwise when first asked for.
        Meters meters = new Meters();
        if (spareCpu && (vertxForHttp || config.kafkaView().enabled())) meters.makeInBackground();
        Operations ops = new Operations(config, meters);
        DataDirectory dir = null;
        LogStore log;
        SnapshotStore snapshots = null;
        if (config.inMemory()) {
            log = new MemoryLogStore();
        } else {
            try {
                dir = config.dataLogDir() == null ? DataDirectory.open(config.dataDir()) : DataDirectory.open(config.dataDir(), config.dataLogDir());
            } catch (RuntimeException e) {
                closeWhenStarted(vertxStarting);
                throw e;
            }
            try {
                if (!cluster.isStandalone()) dir.claimServer(cluster.myId());
                ChronicleAccess.require(dir.logDirectory().toString());
                log = ChronicleLogStore.open(dir.logDirectory());
                snapshots = SnapshotStore.open(dir.snapshotDirectory());
            } catch (RuntimeException | LinkageError e) {
                dir.close();
                closeWhenStarted(vertxStarting);
                throw e;
            }
        }
        EnsembleSettings ensemble = config.ensemble();
        NodeConfig nodeConfig = NodeConfig.defaults().withTickMs(config.tickTime())
                .withReapIntervalMs(config.containerCheckIntervalMs())
                .withSnapshots(config.snapCount(), config.snapRetainCount())
                .withSnapSizeLimitBytes(config.snapSizeLimitBytes())
                .withRaftTiming(ensemble.raftTickMs(), ensemble.electionTicks())
                .withLinearizableReads(ensemble.linearizableReads())
                .withMaxWatchesPerSession(config.security().maxWatchesPerSession())
                .withEnforceQuota(config.security().enforceQuota());
        MeteredLogStore metered = new MeteredLogStore(FaultInjection.wrap(log), ops.metrics(), config.operations().fsyncWarningThresholdMs());
        Vertx vertx;
        try {
            vertx = vertxStarting.join();
        } catch (java.util.concurrent.CompletionException e) {
            metered.close();
            if (dir != null) dir.close();
            throw new IllegalStateException("could not start Vert.x: " + e.getCause(), e.getCause());
        }
        WireConfig wire;
        try {
            wire = WireConfig.defaults(config.tickTime())
                    .withHost(config.clientAddressFor(cluster))
                    .withPort(config.clientPortFor(cluster))
                    .withSessionTimeouts(config.effectiveMinSessionTimeout(), config.effectiveMaxSessionTimeout())
                    .withMaxClientCnxns(config.maxClientCnxns())
                    .withMaxBuffer(config.juteMaxBuffer())
                    .withFourLetterWords(config.fourLetterWords())
                    .withSuperDigest(config.superDigest())
                    .withLimits(config.security().limits())
                    .withSecurity(wireSecurity(config.security()));
        } catch (RuntimeException e) {
            // A bad security setting (the SASL login, say) stops the server before anything listens.
            metered.close();
            closeVertx(vertx);
            if (dir != null) dir.close();
            throw e;
        }
        if (config.security().securePortOnly()) wire = wire.withPort(-1);
        Node node = new Node(nodeConfig, cluster, metered, snapshots).listener(ops.metrics());
        if (cluster.reconfigEnabled() && config.operations().configFile() != null) {
            node.configuration().addPublishedListener(new DynamicConfigFiles(config.operations().configFile())::changed);
        }
        PeerTransport peers = PeerTransport.NONE;
        String listening = "clients on " + config.clientAddressFor(cluster) + ":" + config.clientPortFor(cluster);
        try {
            if (!cluster.isStandalone()) {
                listening = "peers on " + cluster.self().host() + ":" + cluster.self().peerPort();
                peers = await(VertxPeerTransport.start(vertx, cluster, node.peerListener(),
                        TransportConfig.defaults().withListenOnAllAddresses(ensemble.listenOnAllIps())
                                .withTls(config.security().sslQuorum() ? config.security().quorumTls() : null)));
            }
            node.start(peers);
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            peers.close();
            closeVertx(vertx);
            metered.close();
            if (dir != null) dir.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (e instanceof RuntimeException r) throw r;
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not listen for " + listening + ": " + cause.getMessage(), cause);
        }
        QuorumView quorum = new NodeQuorumView(node);
        ops.attachNode(node, quorum, dir == null ? null : dir.snapshotDirectory(), dir == null ? null : dir.logDirectory(), metered);
        BrokerRegistry kafka = null;
        ZkServer server = null;
        AdminHttpServer admin = null;
        try {
            listening = "clients on " + config.clientAddressFor(cluster) + ":" + config.clientPortFor(cluster);
            server = await(ZkServer.start(vertx, node, wire, loops, quorum, ops, wire.hasPlainPort() ? clientPort : null));
            ServerMetrics clientMetrics = server.metrics();
            meters.bind(r -> WireMeters.bind(clientMetrics, r));
            ops.attachServer(server);
            // Clients are served from here on; the Kafka view and the HTTP endpoints follow.
            if (vertx == null && vertxForHttp) vertx = VertxStarter.start(loops, config.adminEnabled());
            if (config.kafkaView().enabled() && BrokerRegistry.available()) {
                kafka = startKafkaRegistry(node, meters.registry(), config.kafkaView(), dir);
            }
            if (config.adminEnabled()) {
                listening = "the AdminServer on " + config.adminAddress() + ":" + config.adminPort();
                List<HttpRoutes> routes = new ArrayList<>();
                routes.add(new AdminRoutes(new AdminCommands(ops, vertx), config.operations().adminCommandUrl()));
                routes.add(new MetricsRoutes(meters.registry(), vertx));
                if (kafka != null) routes.add(kafka::mount);
                admin = startAdmin(vertx, config, routes);
            }
            AdminHttpServer metricsServer = null;
            if (config.operations().prometheusEnabled()) {
                listening = "the Prometheus endpoint on " + config.operations().metricsHost() + ":" + config.operations().metricsPort();
                metricsServer = await(AdminHttpServer.start(vertx, "Prometheus metrics", config.operations().metricsHost(),
                        config.operations().metricsPort(), List.of(new MetricsRoutes(meters.registry(), vertx))));
            }
            return new Meerkat(config, new Parts(vertx, dir, node, peers, server, admin, metricsServer, ops, kafka), t0);
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            ops.stop();
            if (admin != null) admin.close();
            if (server != null) server.close();
            if (kafka != null) kafka.close();
            node.close();
            peers.close();
            closeVertx(vertx);
            if (dir != null) dir.close();
            if (e instanceof RuntimeException r) throw r;
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not listen for " + listening + ": " + cause.getMessage(), cause);
        }
    }

    /** The client port's security, with the SASL login done (blocking: at start-up). */
    private static WireSecurity wireSecurity(SecurityConfig s) {
        SaslAuthenticator sasl = SaslAuthenticator.fromJaas(s.saslSection(),
                new KerberosNames(s.removeHostFromPrincipal(), s.removeRealmFromPrincipal()));
        String secureHost = s.secureClientPortAddress();
        return new WireSecurity(secureHost, s.secureClientPort(), s.clientTls(), sasl, s.enforceAuth(), s.enforceSchemes(),
                s.superUser(), s.x509SuperUser(), s.auditEnabled());
    }

    /** The Kafka view of the tree (timeline kept in the data directory when there is one). */
    private static BrokerRegistry startKafkaRegistry(Node node, PrometheusMeterRegistry meters, KafkaViewConfig kafka, DataDirectory dir) {
        RegistryOptions options = RegistryOptions.defaults()
                .withProbe(kafka.probeEnabled(), kafka.probeIntervalMs(), kafka.probeTimeoutMs())
                .withTimeline(RegistryOptions.defaults().timelineCapacity(), dir == null ? null : dir.root().resolve("kafka").resolve("timeline.jsonl"));
        return BrokerRegistry.start(node, meters, options);
    }

    private static AdminHttpServer startAdmin(Vertx vertx, ServerConfig config, List<HttpRoutes> routes)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return await(AdminHttpServer.start(vertx, config.adminAddress(), config.adminPort(), routes));
        } catch (ExecutionException e) {
            if (config.operations().adminRequired()) throw e;
            LOG.warn("AdminServer not started: {}:{} is not free ({}); set admin.serverPort, or admin.enableServer=false",
                    config.adminAddress(), config.adminPort(), e.getCause().getMessage());
            return null;
        }
    }

    private static void closeWhenStarted(CompletableFuture<Vertx> starting) {
        starting.thenAccept(Meerkat::closeVertx);
    }

    private static void closeVertx(Vertx vertx) {
        if (vertx != null) vertx.close();
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws InterruptedException, ExecutionException, TimeoutException {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static <T> T await(CompletableFuture<T> f) throws InterruptedException, ExecutionException, TimeoutException {
        return f.get(30, TimeUnit.SECONDS);
    }

    /** {@code host:port} for a ZooKeeper client; append a chroot as you like. */
    public String connectString() {
        String host = config.clientAddressFor(parts.node().cluster());
        if (host == null || host.equals("0.0.0.0")) host = "127.0.0.1";
        return host + ":" + parts.zkServer().port();
    }

    /** The plain client port, or -1 when the server has only a TLS port. */
    public int port() {
        return parts.zkServer().port();
    }

    /** The TLS client port (secureClientPort), or -1 when there is none. */
    public int securePort() {
        return parts.zkServer().securePort();
    }

    /** {@code host:securePort} for a TLS client. */
    public String secureConnectString() {
        String host = config.security().secureClientPortAddress() != null ? config.security().secureClientPortAddress()
                : config.clientAddressFor(parts.node().cluster());
        if (host == null || host.equals("0.0.0.0")) host = "127.0.0.1";
        return host + ":" + parts.zkServer().securePort();
    }

    /** The client port's counters (connections, limits that bit, authentication failures). */
    public dev.meerkat.wire.server.ServerMetrics clientMetrics() {
        return parts.zkServer().metrics();
    }

    /** The bound peer port of an ensemble member, or -1 for a single server. */
    public int peerPort() {
        return parts.peers().port();
    }

    public ServerConfig config() {
        return config;
    }

    public Node node() {
        return parts.node();
    }

    /**
     * Every meter this server keeps (Micrometer, exposed in the Prometheus format). An embedded server
     * without the AdminServer makes its registry on this first call: its distributions start then.
     */
    public PrometheusMeterRegistry meters() {
        return parts.operations().registry();
    }

    /** The admin HTTP server's port, or -1 when it is not enabled. */
    public int adminPort() {
        return parts.adminServer() == null ? -1 : parts.adminServer().port();
    }

    /** The Prometheus endpoint's port (metricsProvider.httpPort), or -1 when no metrics provider is configured. */
    public int metricsPort() {
        return parts.metricsServer() == null ? -1 : parts.metricsServer().port();
    }

    /** The four-letter words', AdminServer's and metrics' view of this server. */
    public Operations operations() {
        return parts.operations();
    }

    /** The Kafka broker registry, or null when {@code kafka.registry.enabled=false}. */
    public BrokerRegistry kafkaRegistry() {
        return parts.kafkaRegistry();
    }

    /** How long {@link #start} took, in milliseconds. */
    public double startMillis(long untilNanos) {
        return (untilNanos - startNanos) / 1e6;
    }

    @Override
    public void close() {
        // A leader first hands over, so that the others need not wait out an election timeout.
        parts.node().handOverLeadership();
        parts.operations().stop();
        for (AdminHttpServer http : new AdminHttpServer[]{parts.adminServer(), parts.metricsServer()}) {
            try {
                if (http != null) http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Closing anyway.
            }
        }
        try {
            parts.zkServer().close().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing anyway: the node and the data directory must be released.
        }
        if (parts.kafkaRegistry() != null) parts.kafkaRegistry().close();
        parts.node().close();
        parts.peers().close();
        try {
            // Wait for the event loops to be gone: a closed server leaves no threads behind, and the
            // next embedded server (a test class right after this one) does not start against them.
            if (parts.vertx() != null) parts.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Closing anyway.
        }
        if (parts.dataDirectory() != null) parts.dataDirectory().close();
    }
}
