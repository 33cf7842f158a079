package dev.meerkat.server.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * Everything a Meerkat server is configured with, from a zoo.cfg file or the embedded API.
 *
 * @param dataDir        where snapshots (and, without dataLogDir, the log) live; null = in memory only
 * @param dataLogDir     a separate directory for the log, or null
 * @param containerCheckIntervalMs how often emptied containers and expired TTL nodes are looked for
 * @param adminEnabled   admin.enableServer: whether the admin HTTP server runs
 * @param adminAddress   admin.serverAddress: where it listens
 * @param adminPort      admin.serverPort (0 = a free port)
 * @param ensemble       the server.N lines and election settings; {@link EnsembleSettings#none()} for a single server
 * @param kafkaView      the Kafka broker registry and its probe (kafka.registry.*, kafka.probe.*)
 * @param operations     the rest of the AdminServer, the Prometheus endpoint and what conf reports
 * @param security       TLS, SASL, enforced authentication, audit, quotas and resource bounds ({@link SecurityParser})
 */
public record ServerConfig(String clientPortAddress, int clientPort, Path dataDir, Path dataLogDir, int tickTime,
                           int minSessionTimeout, int maxSessionTimeout, int maxClientCnxns, int juteMaxBuffer,
                           Set<String> fourLetterWords, String superDigest, int snapCount, int snapRetainCount,
                           long snapSizeLimitBytes, int containerCheckIntervalMs, boolean adminEnabled, String adminAddress, int adminPort,
                           EnsembleSettings ensemble, KafkaViewConfig kafkaView, OperationsConfig operations,
                           SecurityConfig security) {

    public static final int DEFAULT_PORT = 2181;
    public static final Path DEFAULT_DATA_DIR = Path.of("meerkat-data");
    public static final int DEFAULT_ADMIN_PORT = 8080;

    /**
     * ZooKeeper's defaults: the four-letter-word whitelist holds only srvr (always allowed), and the
     * AdminServer listens on 0.0.0.0:8080 (a busy port there is warned about, not fatal, unless the
     * file asked for the AdminServer explicitly).
     */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, DEFAULT_DATA_DIR, null, 2000, -1, -1, 60, 0xfffff,
                Set.of(), null, 100_000, 3, dev.meerkat.core.node.NodeConfig.DEFAULT_SNAP_SIZE_LIMIT_BYTES, 1000,
                true, "0.0.0.0", DEFAULT_ADMIN_PORT, EnsembleSettings.none(), KafkaViewConfig.defaults(),
                OperationsConfig.defaults(), SecurityConfig.defaults());
    }

    public int effectiveMinSessionTimeout() {
        return minSessionTimeout > 0 ? minSessionTimeout : 2 * tickTime;
    }

    public int effectiveMaxSessionTimeout() {
        return maxSessionTimeout > 0 ? maxSessionTimeout : 20 * tickTime;
    }

    /**
     * The client port: clientPort (or --port) when given, else the client port of this server's
     * own server.N line, else 2181.
     */
    public int clientPortFor(dev.meerkat.core.cluster.ClusterConfig cluster) {
        if (clientPort >= 0) return clientPort;
        int fromLine = cluster.isStandalone() ? -1 : cluster.self().clientPort();
        return fromLine >= 0 ? fromLine : DEFAULT_PORT;
    }

    /** The client address: clientPortAddress, else the one of this server's own server.N line. */
    public String clientAddressFor(dev.meerkat.core.cluster.ClusterConfig cluster) {
        if (!cluster.isStandalone() && clientPort < 0 && cluster.self().clientHost() != null) return cluster.self().clientHost();
        return clientPortAddress;
    }

    public boolean inMemory() {
        return dataDir == null;
    }

    /** A plain client port (0: any free one); asked for explicitly, it is there even beside a secureClientPort. */
    public ServerConfig withClientPort(int port) {
        return with(b -> {
            b.clientPort = port;
            if (b.security.securePortOnly()) {
                SecurityConfig.Builder s = b.security.toBuilder();
                s.securePortOnly = false;
                b.security = s.build();
            }
        });
    }

    public ServerConfig withClientPortAddress(String address) {
        return with(b -> b.clientPortAddress = address);
    }

    public ServerConfig withDataDir(Path dir) {
        return with(b -> b.dataDir = dir);
    }

    public ServerConfig withTickTime(int tick) {
        return with(b -> b.tickTime = tick);
    }

    public ServerConfig withSessionTimeouts(int min, int max) {
        return with(b -> {
            b.minSessionTimeout = min;
            b.maxSessionTimeout = max;
        });
    }

    public ServerConfig withMaxClientCnxns(int n) {
        return with(b -> b.maxClientCnxns = n);
    }

    public ServerConfig withSuperDigest(String digest) {
        return with(b -> b.superDigest = digest);
    }

    public ServerConfig withFourLetterWords(Set<String> words) {
        return with(b -> b.fourLetterWords = Set.copyOf(words));
    }

    public ServerConfig withContainerCheckIntervalMs(int ms) {
        return with(b -> b.containerCheckIntervalMs = ms);
    }

    public ServerConfig withSnapshots(int count, int retain) {
        return with(b -> {
            b.snapCount = count;
            b.snapRetainCount = retain;
        });
    }

    /** Log bytes since the last snapshot that also start one (zoo.cfg snapSizeLimitInKb × 1024); 0 or less: snapCount alone. */
    public ServerConfig withSnapSizeLimitBytes(long bytes) {
        return with(b -> b.snapSizeLimitBytes = bytes);
    }

    public ServerConfig withJuteMaxBuffer(int n) {
        return with(b -> b.juteMaxBuffer = n);
    }

    public ServerConfig withEnsemble(EnsembleSettings e) {
        return with(b -> b.ensemble = e);
    }

    public ServerConfig withOperations(OperationsConfig ops) {
        return with(b -> b.operations = ops);
    }

    public ServerConfig withAdminServer(boolean enabled, String address, int port) {
        return with(b -> {
            b.adminEnabled = enabled;
            b.adminAddress = address;
            b.adminPort = port;
            b.operations = b.operations.withAdminRequired(enabled);
        });
    }

    public ServerConfig withKafkaView(KafkaViewConfig kafka) {
        return with(b -> b.kafkaView = kafka);
    }

    public ServerConfig withSecurity(SecurityConfig s) {
        return with(b -> b.security = s);
    }

    /** A copy with some fields changed: one place that knows the field list, not one per wither. */
    private ServerConfig with(java.util.function.Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    private static final class Fields {
        String clientPortAddress;
        int clientPort;
        Path dataDir;
        Path dataLogDir;
        int tickTime;
        int minSessionTimeout;
        int maxSessionTimeout;
        int maxClientCnxns;
        int juteMaxBuffer;
        Set<String> fourLetterWords;
        String superDigest;
        int snapCount;
        int snapRetainCount;
        long snapSizeLimitBytes;
        int containerCheckIntervalMs;
        boolean adminEnabled;
        String adminAddress;
        int adminPort;
        EnsembleSettings ensemble;
        KafkaViewConfig kafkaView;
        OperationsConfig operations;
        SecurityConfig security;

        Fields(ServerConfig c) {
            clientPortAddress = c.clientPortAddress;
            clientPort = c.clientPort;
            dataDir = c.dataDir;
            dataLogDir = c.dataLogDir;
            tickTime = c.tickTime;
            minSessionTimeout = c.minSessionTimeout;
            maxSessionTimeout = c.maxSessionTimeout;
            maxClientCnxns = c.maxClientCnxns;
            juteMaxBuffer = c.juteMaxBuffer;
            fourLetterWords = c.fourLetterWords;
            superDigest = c.superDigest;
            snapCount = c.snapCount;
            snapRetainCount = c.snapRetainCount;
            snapSizeLimitBytes = c.snapSizeLimitBytes;
            containerCheckIntervalMs = c.containerCheckIntervalMs;
            adminEnabled = c.adminEnabled;
            adminAddress = c.adminAddress;
            adminPort = c.adminPort;
            ensemble = c.ensemble;
            kafkaView = c.kafkaView;
            operations = c.operations;
            security = c.security;
        }

        ServerConfig build() {
            return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout, maxClientCnxns, juteMaxBuffer, fourLetterWords, superDigest, snapCount, snapRetainCount, snapSizeLimitBytes, containerCheckIntervalMs,
                    adminEnabled, adminAddress, adminPort, ensemble, kafkaView, operations, security);
        }
    }
}
