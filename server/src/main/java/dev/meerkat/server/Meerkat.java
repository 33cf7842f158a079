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
import dev.meerkat.core.storage.DataDirectory;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.server.config.ConfigException;
import dev.meerkat.server.config.EnsembleSettings;
import dev.meerkat.registry.BrokerRegistry;
import dev.meerkat.registry.RegistryOptions;
import dev.meerkat.server.config.KafkaViewConfig;
import dev.meerkat.server.config.SecurityConfig;
import dev.meerkat.wire.security.KerberosNames;
import dev.meerkat.wire.security.SaslAuthenticator;
import dev.meerkat.wire.security.WireSecurity;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.http.AdminHttpServer;
import dev.meerkat.server.http.HttpRoutes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.meerkat.wire.server.WireConfig;
import dev.meerkat.wire.server.ZkServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running Meerkat server: what {@code main} starts and what tests embed.
 *
 * <pre>{@code
 * try (Meerkat meerkat = Meerkat.embedded()) {          // free port, in-memory data
 *     ZooKeeper zk = new ZooKeeper(meerkat.connectString(), 10_000, event -> {});
 * }
 * }</pre>
 */
public final class Meerkat implements AutoCloseable {
    private final ServerConfig config;
    private final Vertx vertx;
    private final DataDirectory dataDirectory;
    private final Node node;
    private final PeerTransport peers;
    private final ZkServer zkServer;
    private final PrometheusMeterRegistry meters;
    private final AdminHttpServer adminServer;
    private final BrokerRegistry kafkaRegistry;
    private final long startNanos;

    private Meerkat(ServerConfig config, Vertx vertx, DataDirectory dataDirectory, Node node, PeerTransport peers, ZkServer zkServer,
                    PrometheusMeterRegistry meters, AdminHttpServer adminServer, BrokerRegistry kafkaRegistry, long startNanos) {
        this.peers = peers;
        this.config = config;
        this.vertx = vertx;
        this.dataDirectory = dataDirectory;
        this.node = node;
        this.zkServer = zkServer;
        this.meters = meters;
        this.adminServer = adminServer;
        this.kafkaRegistry = kafkaRegistry;
        this.startNanos = startNanos;
    }

    /** A single node on a free loopback port, keeping its data in memory: for tests. */
    public static Meerkat embedded() {
        return start(ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(null));
    }

    /** A single node on a free loopback port with its data in {@code dataDir}. */
    public static Meerkat embedded(Path dataDir) {
        return start(ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(dataDir));
    }

    /**
     * Starts a server (a single node, or this server's part of an ensemble); returns once its client
     * port accepts connections. An ensemble member serves clients once it has found its quorum.
     */
    public static Meerkat start(ServerConfig config) {
        long t0 = System.nanoTime();
        ClusterConfig cluster = config.ensemble().cluster(config.dataDir());
        if (!cluster.isStandalone() && config.inMemory()) {
            throw new ConfigException("a server of an ensemble needs a dataDir: an in-memory server could not survive its own restart");
        }
        DataDirectory dir = null;
        LogStore log;
        SnapshotStore snapshots = null;
        if (config.inMemory()) {
            log = new MemoryLogStore();
        } else {
            dir = config.dataLogDir() == null ? DataDirectory.open(config.dataDir()) : DataDirectory.open(config.dataDir(), config.dataLogDir());
            try {
                if (!cluster.isStandalone()) dir.claimServer(cluster.myId());
                log = ChronicleLogStore.open(dir.logDirectory());
                snapshots = SnapshotStore.open(dir.snapshotDirectory());
            } catch (RuntimeException e) {
                dir.close();
                throw e;
            }
        }
        EnsembleSettings ensemble = config.ensemble();
        NodeConfig nodeConfig = NodeConfig.defaults().withTickMs(config.tickTime())
                .withReapIntervalMs(config.containerCheckIntervalMs())
                .withSnapshots(config.snapCount(), config.snapRetainCount())
                .withRaftTiming(ensemble.raftTickMs(), ensemble.electionTicks())
                .withLinearizableReads(ensemble.linearizableReads())
                .withMaxWatchesPerSession(config.security().maxWatchesPerSession())
                .withEnforceQuota(config.security().enforceQuota());
        int loops = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
        log = FaultInjection.wrap(log);
        Node node = new Node(nodeConfig, cluster, log, snapshots);
        PeerTransport peers = PeerTransport.NONE;
        String listening = config.clientAddressFor(cluster) + ":" + config.clientPortFor(cluster);
        try {
            if (!cluster.isStandalone()) {
                listening += " (peers " + cluster.self().host() + ":" + cluster.self().peerPort() + ")";
                peers = VertxPeerTransport.start(vertx, cluster, node.peerListener(),
                                TransportConfig.defaults().withListenOnAllAddresses(ensemble.listenOnAllIps())
                                        .withTls(config.security().sslQuorum() ? config.security().quorumTls() : null))
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            node.start(peers);
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            peers.close();
            vertx.close();
            log.close();
            if (dir != null) dir.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (e instanceof RuntimeException r) throw r;
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not listen on " + listening + ": " + cause.getMessage(), cause);
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
            node.close();
            peers.close();
            vertx.close();
            if (dir != null) dir.close();
            throw e;
        }
        if (config.security().securePortOnly()) wire = wire.withPort(-1);
        // One registry for every meter of this server, whoever exposes it.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BrokerRegistry kafka = config.kafkaView().enabled() && BrokerRegistry.available()
                ? startKafkaRegistry(node, meters, config.kafkaView(), dir) : null;
        try {
            ZkServer server = ZkServer.start(vertx, node, wire, loops).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            WireMeters.bind(server.metrics(), meters);
            AdminHttpServer admin = null;
            if (config.adminEnabled()) {
                List<HttpRoutes> routes = new ArrayList<>();
                if (kafka != null) routes.add(kafka::mount);
                admin = AdminHttpServer.start(vertx, config.adminAddress(), config.adminPort(), routes)
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            return new Meerkat(config, vertx, dir, node, peers, server, meters, admin, kafka, t0);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            peers.close();
            vertx.close();
            if (kafka != null) kafka.close();
            node.close();
            if (dir != null) dir.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not listen on " + listening
                    + (config.adminEnabled() ? " (admin " + config.adminAddress() + ":" + config.adminPort() + ")" : "") + ": " + cause.getMessage(), cause);
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

    /** {@code host:port} for a ZooKeeper client; append a chroot as you like. */
    public String connectString() {
        String host = config.clientAddressFor(node.cluster());
        if (host == null || host.equals("0.0.0.0")) host = "127.0.0.1";
        return host + ":" + zkServer.port();
    }

    /** The plain client port, or -1 when the server has only a TLS port. */
    public int port() {
        return zkServer.port();
    }

    /** The TLS client port (secureClientPort), or -1 when there is none. */
    public int securePort() {
        return zkServer.securePort();
    }

    /** {@code host:securePort} for a TLS client. */
    public String secureConnectString() {
        String host = config.security().secureClientPortAddress() != null ? config.security().secureClientPortAddress()
                : config.clientAddressFor(node.cluster());
        if (host == null || host.equals("0.0.0.0")) host = "127.0.0.1";
        return host + ":" + zkServer.securePort();
    }

    /** The client port's counters (connections, limits that bit, authentication failures). */
    public dev.meerkat.wire.server.ServerMetrics clientMetrics() {
        return zkServer.metrics();
    }

    /** The bound peer port of an ensemble member, or -1 for a single server. */
    public int peerPort() {
        return peers.port();
    }

    public ServerConfig config() {
        return config;
    }

    public Node node() {
        return node;
    }

    /** Every meter this server keeps (Micrometer, exposed in the Prometheus format). */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** The Kafka broker registry, or null when {@code kafka.registry.enabled=false}. */
    public BrokerRegistry kafkaRegistry() {
        return kafkaRegistry;
    }

    /** The admin HTTP server's port, or -1 when it is not enabled. */
    public int adminPort() {
        return adminServer == null ? -1 : adminServer.port();
    }

    /** How long {@link #start} took, in milliseconds. */
    public double startMillis(long untilNanos) {
        return (untilNanos - startNanos) / 1e6;
    }

    @Override
    public void close() {
        // A leader first hands over, so that the others need not wait out an election timeout.
        node.handOverLeadership();
        try {
            if (adminServer != null) adminServer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing anyway.
        }
        try {
            zkServer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing anyway: the node and the data directory must be released.
        }
        if (kafkaRegistry != null) kafkaRegistry.close();
        node.close();
        peers.close();
        try {
            // Wait for the event loops to be gone: a closed server leaves no threads behind, and the
            // next embedded server (a test class right after this one) does not start against them.
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Closing anyway.
        }
        if (dataDirectory != null) dataDirectory.close();
    }
}
