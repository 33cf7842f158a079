package dev.meerkat.server;

import dev.meerkat.core.log.ChronicleLogStore;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.log.MemoryLogStore;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.node.NodeConfig;
import dev.meerkat.core.storage.DataDirectory;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.http.AdminHttpServer;
import dev.meerkat.server.http.HttpRoutes;
import dev.meerkat.server.ops.AdminCommands;
import dev.meerkat.server.ops.AdminRoutes;
import dev.meerkat.server.ops.MeteredLogStore;
import dev.meerkat.server.ops.MetricsRoutes;
import dev.meerkat.server.ops.Operations;
import dev.meerkat.core.stats.QuorumView;
import dev.meerkat.core.stats.StandaloneQuorum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.meerkat.wire.server.WireConfig;
import dev.meerkat.wire.server.ZkServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    private static final Logger LOG = LoggerFactory.getLogger(Meerkat.class);
    private final ServerConfig config;
    private final Vertx vertx;
    private final DataDirectory dataDirectory;
    private final Node node;
    private final ZkServer zkServer;
    private final PrometheusMeterRegistry meters;
    private final AdminHttpServer adminServer;
    private final AdminHttpServer metricsServer;
    private final Operations operations;
    private final long startNanos;

    private Meerkat(ServerConfig config, Vertx vertx, DataDirectory dataDirectory, Node node, ZkServer zkServer,
                    PrometheusMeterRegistry meters, AdminHttpServer adminServer, AdminHttpServer metricsServer,
                    Operations operations, long startNanos) {
        this.config = config;
        this.vertx = vertx;
        this.dataDirectory = dataDirectory;
        this.node = node;
        this.zkServer = zkServer;
        this.meters = meters;
        this.adminServer = adminServer;
        this.metricsServer = metricsServer;
        this.operations = operations;
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
        return ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(dataDir)
                .withFourLetterWords(Set.of("*")).withAdminServer(false, "127.0.0.1", 0);
    }

    /** Starts a node; returns once it accepts clients. */
    public static Meerkat start(ServerConfig config) {
        long t0 = System.nanoTime();
        // One registry for every meter of this server, whoever exposes it.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Operations ops = new Operations(config, meters);
        DataDirectory dir = null;
        LogStore log;
        SnapshotStore snapshots = null;
        if (config.inMemory()) {
            log = new MemoryLogStore();
        } else {
            dir = config.dataLogDir() == null ? DataDirectory.open(config.dataDir()) : DataDirectory.open(config.dataDir(), config.dataLogDir());
            try {
                log = ChronicleLogStore.open(dir.logDirectory());
                snapshots = SnapshotStore.open(dir.snapshotDirectory());
            } catch (RuntimeException e) {
                dir.close();
                throw e;
            }
        }
        NodeConfig nodeConfig = NodeConfig.defaults().withTickMs(config.tickTime())
                .withReapIntervalMs(config.containerCheckIntervalMs())
                .withSnapshots(config.snapCount(), config.snapRetainCount());
        MeteredLogStore metered = new MeteredLogStore(log, ops.metrics(), config.operations().fsyncWarningThresholdMs());
        Node node;
        try {
            node = new Node(nodeConfig, metered, snapshots).listener(ops.metrics()).start();
        } catch (RuntimeException e) {
            log.close();
            if (dir != null) dir.close();
            throw e;
        }
        // A single node: a cluster of one voter, whose commit index is what its log made durable.
        QuorumView quorum = new StandaloneQuorum(metered::term, metered::durableIndex);
        ops.attachNode(node, quorum, dir == null ? null : dir.snapshotDirectory(), dir == null ? null : dir.logDirectory(), metered);
        int loops = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
        WireConfig wire = WireConfig.defaults(config.tickTime())
                .withHost(config.clientPortAddress())
                .withPort(config.clientPort())
                .withSessionTimeouts(config.effectiveMinSessionTimeout(), config.effectiveMaxSessionTimeout())
                .withMaxClientCnxns(config.maxClientCnxns())
                .withMaxBuffer(config.juteMaxBuffer())
                .withFourLetterWords(config.fourLetterWords())
                .withSuperDigest(config.superDigest());
        String listening = "clients on " + config.clientPortAddress() + ":" + config.clientPort();
        try {
            ZkServer server = await(ZkServer.start(vertx, node, wire, loops, quorum, ops));
            ops.attachServer(server, vertx);
            AdminHttpServer admin = null;
            if (config.adminEnabled()) {
                listening = "the AdminServer on " + config.adminAddress() + ":" + config.adminPort();
                List<HttpRoutes> routes = new ArrayList<>();
                routes.add(new AdminRoutes(new AdminCommands(ops, vertx), config.operations().adminCommandUrl()));
                routes.add(new MetricsRoutes(meters, vertx));
                admin = startAdmin(vertx, config, routes);
            }
            AdminHttpServer metricsServer = null;
            if (config.operations().prometheusEnabled()) {
                listening = "the Prometheus endpoint on " + config.operations().metricsHost() + ":" + config.operations().metricsPort();
                metricsServer = await(AdminHttpServer.start(vertx, "Prometheus metrics", config.operations().metricsHost(), config.operations().metricsPort(),
                        List.of(new MetricsRoutes(meters, vertx))));
            }
            return new Meerkat(config, vertx, dir, node, server, meters, admin, metricsServer, ops, t0);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            ops.stop(vertx);
            vertx.close();
            node.close();
            if (dir != null) dir.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not listen for " + listening + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * The AdminServer, as ZooKeeper has it, on 0.0.0.0:8080 unless configured. When the file asked
     * for it (any admin.* key) a failure to bind stops the start; with the defaults it is one warning
     * and the server runs without it, so that a busy port 8080 (another server, a second node on the
     * same machine) does not keep a node from starting.
     */
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

    private static <T> T await(io.vertx.core.Future<T> f) throws InterruptedException, ExecutionException, TimeoutException {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** {@code host:port} for a ZooKeeper client; append a chroot as you like. */
    public String connectString() {
        String host = config.clientPortAddress();
        if (host == null || host.equals("0.0.0.0")) host = "127.0.0.1";
        return host + ":" + zkServer.port();
    }

    public int port() {
        return zkServer.port();
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

    /** The admin HTTP server's port, or -1 when it is not enabled. */
    public int adminPort() {
        return adminServer == null ? -1 : adminServer.port();
    }

    /** The Prometheus endpoint's port (metricsProvider.httpPort), or -1 when no metrics provider is configured. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /** The four-letter words', AdminServer's and metrics' view of this server. */
    public Operations operations() {
        return operations;
    }

    /** How long {@link #start} took, in milliseconds. */
    public double startMillis(long untilNanos) {
        return (untilNanos - startNanos) / 1e6;
    }

    @Override
    public void close() {
        operations.stop(vertx);
        for (AdminHttpServer http : new AdminHttpServer[]{adminServer, metricsServer}) {
            try {
                if (http != null) http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Closing anyway.
            }
        }
        try {
            zkServer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing anyway: the node and the data directory must be released.
        }
        try {
            // Wait for the event loops to be gone: a closed server leaves no threads behind, and the
            // next embedded server (a test class right after this one) does not start against them.
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Closing anyway.
        }
        node.close();
        if (dataDirectory != null) dataDirectory.close();
    }
}
