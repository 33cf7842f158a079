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
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.meerkat.wire.server.WireConfig;
import dev.meerkat.wire.server.ZkServer;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    private final ZkServer zkServer;
    /** Made on first use: an embedded test server that nobody scrapes does not pay for it at start. */
    private volatile PrometheusMeterRegistry meters;
    private final AdminHttpServer adminServer;
    private final long startNanos;

    private Meerkat(ServerConfig config, Vertx vertx, DataDirectory dataDirectory, Node node, ZkServer zkServer,
                    AdminHttpServer adminServer, long startNanos) {
        this.config = config;
        this.vertx = vertx;
        this.dataDirectory = dataDirectory;
        this.node = node;
        this.zkServer = zkServer;
        this.adminServer = adminServer;
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
     * What an embedded (test) server runs with, to change before {@link #start}: a free loopback
     * port, data in {@code dataDir} (null: in memory), and nothing a test does not need (no admin
     * HTTP server).
     */
    public static ServerConfig embeddedConfig(Path dataDir) {
        return ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(dataDir)
                .withAdminServer(false, "127.0.0.1", 0);
    }

    /** Starts a node; returns once it accepts clients. */
    public static Meerkat start(ServerConfig config) {
        long t0 = System.nanoTime();
        int loops = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        // Vert.x comes up on its own thread while the node starts here: on a cold JVM each is mostly class loading.
        CompletableFuture<Vertx> vertxStarting = VertxStarter.startAsync(loops, config.adminEnabled());
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
                ChronicleAccess.require(dir.logDirectory().toString());
                log = ChronicleLogStore.open(dir.logDirectory());
                snapshots = SnapshotStore.open(dir.snapshotDirectory());
            } catch (RuntimeException | LinkageError e) {
                dir.close();
                closeWhenStarted(vertxStarting);
                throw e;
            }
        }
        NodeConfig nodeConfig = NodeConfig.defaults().withTickMs(config.tickTime())
                .withReapIntervalMs(config.containerCheckIntervalMs())
                .withSnapshots(config.snapCount(), config.snapRetainCount());
        Node node;
        try {
            node = new Node(nodeConfig, log, snapshots).start();
        } catch (RuntimeException e) {
            log.close();
            if (dir != null) dir.close();
            closeWhenStarted(vertxStarting);
            throw e;
        }
        Vertx vertx;
        try {
            vertx = vertxStarting.join();
        } catch (CompletionException e) {
            node.close();
            if (dir != null) dir.close();
            throw new IllegalStateException("could not start Vert.x: " + e.getCause(), e.getCause());
        }
        WireConfig wire = WireConfig.defaults(config.tickTime())
                .withHost(config.clientPortAddress())
                .withPort(config.clientPort())
                .withSessionTimeouts(config.effectiveMinSessionTimeout(), config.effectiveMaxSessionTimeout())
                .withMaxClientCnxns(config.maxClientCnxns())
                .withMaxBuffer(config.juteMaxBuffer())
                .withFourLetterWords(config.fourLetterWords())
                .withSuperDigest(config.superDigest());
        try {
            ZkServer server = ZkServer.start(vertx, node, wire, loops).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            AdminHttpServer admin = null;
            if (config.adminEnabled()) {
                List<HttpRoutes> routes = new ArrayList<>();
                admin = AdminHttpServer.start(vertx, config.adminAddress(), config.adminPort(), routes)
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            return new Meerkat(config, vertx, dir, node, server, admin, t0);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            vertx.close();
            node.close();
            if (dir != null) dir.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not listen on " + config.clientPortAddress() + ":" + config.clientPort()
                    + (config.adminEnabled() ? " (admin " + config.adminAddress() + ":" + config.adminPort() + ")" : "") + ": " + cause.getMessage(), cause);
        }
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

    /** Every meter this server keeps (Micrometer, exposed in the Prometheus format): one registry, whoever exposes it. */
    public PrometheusMeterRegistry meters() {
        PrometheusMeterRegistry m = meters;
        if (m == null) {
            synchronized (this) {
                m = meters;
                if (m == null) meters = m = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            }
        }
        return m;
    }

    /** A start that failed before Vert.x was needed still must not leave its event loops behind. */
    private static void closeWhenStarted(CompletableFuture<Vertx> starting) {
        starting.thenAccept(Vertx::close);
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
