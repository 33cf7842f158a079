package dev.meerkat.server.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Reads a zoo.cfg as ZooKeeper reads it: {@link ZooCfgReader} turns the file into ordered
 * (key, value, line) entries with java.util.Properties syntax, then each entry is dispatched on
 * its key. Every key of the ZooKeeper 3.9 administrator's guide is either honoured or reported
 * once, with its line, as ignored; a key ZooKeeper does not know is reported too. A malformed value
 * stops the server with the file and line. As in ZooKeeper, a later line for the same key wins, and
 * relative directories are relative to the working directory (ZooKeeper's {@code new File(value)}).
 */
public final class ZooCfgParser {
    private static final Logger LOG = LoggerFactory.getLogger(ZooCfgParser.class);

    /**
     * Ensemble keys of ZooKeeper's that Meerkat does not use (the ones it does, {@code server.N},
     * peerType, initLimit, syncLimit and the rest, are {@link EnsembleParser}'s; sslQuorum, ssl.quorum.*
     * and quorum.auth.* are {@link SecurityParser}'s).
     */
    static final Set<String> ENSEMBLE_KEYS = Set.of("electionPortBindRetry",
            "cnxTimeout", "syncEnabled",
            "leaderServes", "connectToLearnerMasterLimit", "observerMasterPort",
            "quorumCnxnTimeoutMs", "maxTimeToWaitForEpoch", "observer.reconnectDelayMs", "observer.election.DelayMs",
            "quorum.cnxn.threads.size", "portUnification", "learner.closeSocketAsync",
            "fastleader.minNotificationInterval", "fastleader.maxNotificationInterval", "maxConcurrentSnapSyncs",
            "maxConcurrentDiffSyncs", "oraclePath", "tcpKeepAlive");
    static final List<String> ENSEMBLE_PREFIXES = List.of("group.", "weight.", "multiAddress.");

    /** Keys of the administrator's guide that have no effect on Meerkat, with why. */
    static final Map<String, String> IGNORED_KEYS = Map.ofEntries(
            Map.entry("preAllocSize", "the log is a Chronicle Queue"),
            Map.entry("commitLogCount", "the log is a Chronicle Queue"),
            Map.entry("txnLogSizeLimitInKb", "the log is a Chronicle Queue"),
            Map.entry("maxResponseCacheSize", "there is no response cache"),
            Map.entry("maxGetChildrenResponseCacheSize", "there is no response cache"),
            Map.entry("autopurge.purgeInterval", "old snapshots and log files go after every snapshot"),
            Map.entry("extendedTypesEnabled", "TTL nodes are always enabled"),
            Map.entry("emulate353TTLNodes", "TTL nodes are always enabled"),
            Map.entry("watchManagerName", "there is one watch manager"),
            Map.entry("watchManaggerName", "there is one watch manager"),
            Map.entry("watcherCleanThreadsNum", "watches of a closed connection go at once"),
            Map.entry("watcherCleanThreshold", "watches of a closed connection go at once"),
            Map.entry("watcherCleanIntervalInSeconds", "watches of a closed connection go at once"),
            Map.entry("maxInProcessingDeadWatchers", "watches of a closed connection go at once"),
            Map.entry("bitHashCacheSize", "there is one watch manager"),
            Map.entry("connectionMaxTokens", "there is no connection throttler"),
            Map.entry("connectionTokenFillTime", "there is no connection throttler"),
            Map.entry("connectionTokenFillCount", "there is no connection throttler"),
            Map.entry("connectionFreezeTime", "there is no connection throttler"),
            Map.entry("connectionDropIncrease", "there is no connection throttler"),
            Map.entry("connectionDropDecrease", "there is no connection throttler"),
            Map.entry("connectionDecreaseRatio", "there is no connection throttler"),
            Map.entry("zookeeper.connection_throttle_weight_enabled", "there is no connection throttler"),
            Map.entry("zookeeper.connection_throttle_global_session_weight", "there is no connection throttler"),
            Map.entry("zookeeper.connection_throttle_local_session_weight", "there is no connection throttler"),
            Map.entry("zookeeper.connection_throttle_renew_session_weight", "there is no connection throttler"),
            Map.entry("clientPortListenBacklog", "the operating system's default backlog is used"),
            Map.entry("flushDelay", "the log syncs once per batch (group commit)"),
            Map.entry("maxWriteQueuePollTime", "the log syncs once per batch (group commit)"),
            Map.entry("maxBatchSize", "the log syncs once per batch (group commit)"),
            Map.entry("requestThrottleLimit", "there is no request throttler"),
            Map.entry("requestThrottleStallTime", "there is no request throttler"),
            Map.entry("requestThrottleDropStale", "there is no request throttler"),
            Map.entry("requestStaleLatencyCheck", "there is no request throttler"),
            Map.entry("requestStaleConnectionCheck", "there is no request throttler"),
            Map.entry("zookeeper.request_throttler.shutdownTimeout", "there is no request throttler"),
            Map.entry("advancedFlowControlEnabled", "flow control is always on"),
            Map.entry("enableEagerACLCheck", "ACLs are checked when an entry is applied"),
            Map.entry("digest.enabled", "the tree digest is always kept"),
            Map.entry("snapshot.trust.empty", "a data directory without snapshots is replayed from its log"),
            Map.entry("snapshot.compression.method", "snapshots have Meerkat's own format"),
            Map.entry("audit.impl.class", "the audit log is Meerkat's own (audit.enable)"),
            Map.entry("largeRequestMaxBytes", "jute.maxbuffer bounds every request"),
            Map.entry("largeRequestThreshold", "jute.maxbuffer bounds every request"),
            Map.entry("outstandingHandshake.limit", "each TLS handshake is bounded by meerkat.handshakeTimeoutMs instead"),
            Map.entry("throttledOpWaitTime", "there is no request throttler"),
            Map.entry("clientTcpKeepAlive", "client sockets use the operating system's keep-alive defaults"),
            Map.entry("localSessionsEnabled", "every session is a global session"),
            Map.entry("localSessionsUpgradingEnabled", "every session is a global session"),
            Map.entry("zookeeper.superUser", "Meerkat reads it as superUser"),
            Map.entry("zookeeper.ensembleAuthName", "the ensemble auth scheme is not offered"),
            Map.entry("zookeeper.sessionRequireClientSASLAuth", "Meerkat reads it as sessionRequireClientSASLAuth"),
            Map.entry("authProvider", "providers are named as authProvider.N; digest, ip, sasl and x509 are built in"),
            Map.entry("forceSync", "Meerkat always syncs its log before answering a write"),
            Map.entry("jute.maxbuffer.extrasize", "jute.maxbuffer bounds every request"),
            Map.entry("skipACL", "ACLs are always checked"),
            Map.entry("zookeeper.nio.numSelectorThreads", "clients are served by Vert.x event loops"),
            Map.entry("zookeeper.nio.numWorkerThreads", "clients are served by Vert.x event loops"),
            Map.entry("zookeeper.commitProcessor.numWorkerThreads", "one thread applies the log"),
            Map.entry("zookeeper.commitProcessor.maxReadBatchSize", "one thread applies the log"),
            Map.entry("zookeeper.commitProcessor.maxCommitBatchSize", "one thread applies the log"),
            Map.entry("znode.container.maxPerMinute", "emptied containers go at the next check"),
            Map.entry("znode.container.maxNeverUsedIntervalMs", "a container that never had children is kept, as ZooKeeper's default"),
            Map.entry("zookeeper.messageTracker.BufferSize", "there is no quorum message tracker"),
            Map.entry("zookeeper.messageTracker.Enabled", "there is no quorum message tracker"),
            Map.entry("admin.portUnification", "the AdminServer speaks plain HTTP"),
            Map.entry("admin.forceHttps", "the AdminServer speaks plain HTTP"),
            Map.entry("admin.needClientAuth", "the AdminServer speaks plain HTTP"),
            Map.entry("admin.httpVersion", "the AdminServer speaks HTTP/1.1"),
            Map.entry("admin.idleTimeout", "idle AdminServer connections follow Vert.x defaults"),
            Map.entry("admin.rateLimiterIntervalInMS", "snapshot downloads are one at a time"),
            Map.entry("admin.restore.enabled", "the restore command is not offered"),
            Map.entry("metricsProvider.httpsPort", "the metrics endpoint speaks plain HTTP"),
            Map.entry("metricsProvider.numWorkerThreads", "the metrics endpoint runs on the server's event loops"),
            Map.entry("metricsProvider.maxQueueSize", "the metrics endpoint runs on the server's event loops"),
            Map.entry("metricsProvider.workerShutdownTimeoutMs", "the metrics endpoint runs on the server's event loops"),
            Map.entry("jvm.pause.monitor", "JVM pauses show in the jvm_gc metrics"),
            Map.entry("jvm.pause.info-threshold.ms", "JVM pauses show in the jvm_gc metrics"),
            Map.entry("jvm.pause.warn-threshold.ms", "JVM pauses show in the jvm_gc metrics"),
            Map.entry("jvm.pause.sleep.time.ms", "JVM pauses show in the jvm_gc metrics"),
            Map.entry("zookeeper.datadir.autocreate", "the data directory is created when missing"),
            Map.entry("zookeeper.db.autocreate", "the data directory is created when missing"));
    static final List<String> IGNORED_PREFIXES = List.of("metricsProvider.ssl.");

    /**
     * Settings that ZooKeeper's administrator's guide also names as Java system properties, by the
     * zoo.cfg key they stand for: {@code -Dzookeeper.snapCount=5000} is {@code snapCount=5000}.
     * The security settings ({@code zookeeper.ssl.*}, {@code zookeeper.authProvider.N}, ...) come
     * under {@link #SYSTEM_PROPERTY_PREFIXES}. {@code jute.maxbuffer} and {@code readonlymode.enabled}
     * have no {@code zookeeper.} prefix, as in ZooKeeper.
     */
    static final Set<String> SYSTEM_PROPERTY_KEYS = Set.of("snapCount", "snapSizeLimitInKb", "4lw.commands.whitelist",
            "admin.enableServer", "admin.serverAddress", "admin.serverPort", "admin.commandURL", "admin.snapshot.enabled",
            "fsync.warningthresholdms", "znode.container.checkIntervalMs", "DigestAuthenticationProvider.superDigest",
            "globalOutstandingLimit", "maxCnxns", "serverCnxnFactory", "sessionRequireClientSASLAuth", "superUser",
            "X509AuthenticationProvider.superUser", "enforceQuota", "audit.enable", "client.portUnification",
            "client.certReload", "sslQuorum", "sslQuorumReloadCertFiles", "sasl.serverconfig");
    static final List<String> SYSTEM_PROPERTY_PREFIXES = List.of("ssl.", "authProvider.", "enforce.auth.", "kerberos.");
    static final Set<String> UNPREFIXED_SYSTEM_PROPERTIES = Set.of("jute.maxbuffer", "readonlymode.enabled");

    private final Consumer<String> warnings;
    private final Properties systemProperties;

    public ZooCfgParser() {
        this(LOG::warn);
    }

    public ZooCfgParser(Consumer<String> warnings) {
        this(warnings, new Properties());
    }

    private ZooCfgParser(Consumer<String> warnings, Properties systemProperties) {
        this.warnings = warnings;
        this.systemProperties = systemProperties;
    }

    /**
     * This parser, also taking the ZooKeeper settings given as Java system properties in
     * {@code properties} (a server process passes its own). As in ZooKeeper, where every zoo.cfg
     * key becomes the system property it stands for, a line of the file wins over the property.
     * Only the server's own entry point passes them: an embedding JVM's properties (a test that
     * starts a reference ZooKeeper sets {@code zookeeper.admin.enableServer}, say) are its own.
     */
    public ZooCfgParser withSystemProperties(Properties properties) {
        Properties copy = new Properties();
        properties.stringPropertyNames().forEach(n -> copy.setProperty(n, properties.getProperty(n)));
        return new ZooCfgParser(warnings, copy);
    }

    /** The configuration of a start without a file: the defaults, with any system properties. */
    public ServerConfig parseDefaults() {
        if (systemPropertySettings().isEmpty()) return ServerConfig.defaults();
        return parse("(no configuration file)", List.of(), Path.of("").toAbsolutePath());
    }

    /** The settings the system properties give, by property name, in name order. */
    Map<String, String> systemPropertySettings() {
        Map<String, String> out = new TreeMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            String key = keyOfSystemProperty(name);
            if (key != null) out.put(name, key);
        }
        return out;
    }

    static String keyOfSystemProperty(String name) {
        if (UNPREFIXED_SYSTEM_PROPERTIES.contains(name)) return name;
        if (!name.startsWith("zookeeper.")) return null;
        String key = name.substring("zookeeper.".length());
        if (SYSTEM_PROPERTY_KEYS.contains(key)) return key;
        return SYSTEM_PROPERTY_PREFIXES.stream().anyMatch(key::startsWith) ? key : null;
    }

    public ServerConfig parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read configuration: " + e.getMessage());
        }
        ServerConfig c = parse(file.toString(), lines, file.toAbsolutePath().getParent());
        OperationsConfig o = c.operations();
        return c.withOperations(new OperationsConfig(o.adminCommandUrl(), o.adminRequired(), o.metricsProviderClass(),
                o.metricsHost(), o.metricsPort(), o.metricsExportJvmInfo(), o.adminSnapshotEnabled(), o.fsyncWarningThresholdMs(),
                String.join("\n", lines) + "\n", file.toAbsolutePath()));
    }

    ServerConfig parse(String name, List<String> lines, Path baseDir) {
        Settings s = new Settings(warnings);
        s.baseDir = baseDir;
        Set<String> reported = new HashSet<>();
        for (Map.Entry<String, String> p : systemPropertySettings().entrySet()) {
            String value = systemProperties.getProperty(p.getKey()).trim();
            LOG.info("{} is taken from the system property {}", p.getValue(), p.getKey());
            apply(s, "system property " + p.getKey(), p.getValue(), value);
        }
        for (ZooCfgReader.Entry e : ZooCfgReader.read(name, lines)) {
            String where = name + ":" + e.line();
            if (e.key().isEmpty()) {
                if (e.value().isEmpty()) continue;
                throw new ConfigException(where + ": a line with a value but no key");
            }
            if (!apply(s, where, e.key(), e.value()) && reported.add(e.key())) {
                warnings.accept(where + ": '" + e.key() + "' " + whyIgnored(e.key()));
            }
        }
        ServerConfig result = s.build(name);
        if (result.effectiveMinSessionTimeout() > result.effectiveMaxSessionTimeout()) {
            throw new ConfigException(name + ": minSessionTimeout (" + result.effectiveMinSessionTimeout()
                    + ") is larger than maxSessionTimeout (" + result.effectiveMaxSessionTimeout() + ")");
        }
        return result;
    }

    /** Applies one honoured key; false when Meerkat does not use it. */
    private static boolean apply(Settings s, String where, String key, String value) {
        if (EnsembleParser.owns(key)) {
            s.ensemble.take(where, key, value);
            return true;
        }
        if (SecurityParser.owns(key)) {
            s.security.take(where, key, value);
            return true;
        }
        switch (key) {
            case "clientPort" -> {
                s.port = intValue(where, key, value, 0, 65535);
                s.portGiven = true;
            }
            case "clientPortAddress" -> s.address = nonEmpty(where, key, value);
            case "dataDir" -> s.dataDir = Path.of(nonEmpty(where, key, value));
            case "dataLogDir" -> s.dataLogDir = Path.of(nonEmpty(where, key, value));
            case "tickTime" -> s.tick = intValue(where, key, value, 1, Integer.MAX_VALUE);
            case "minSessionTimeout" -> s.minTimeout = intValue(where, key, value, -1, Integer.MAX_VALUE);
            case "maxSessionTimeout" -> s.maxTimeout = intValue(where, key, value, -1, Integer.MAX_VALUE);
            case "maxClientCnxns" -> s.maxCnxns = intValue(where, key, value, 0, Integer.MAX_VALUE);
            case "jute.maxbuffer" -> s.maxBuffer = intValue(where, key, value, 1024, Integer.MAX_VALUE - 2048);
            case "4lw.commands.whitelist" -> s.words = wordList(value);
            case "superDigest", "DigestAuthenticationProvider.superDigest" -> {
                if (value.split(":").length != 2) throw new ConfigException(where + ": " + key + " must be user:base64digest");
                s.superDigest = value;
            }
            case "snapCount" -> s.snapCount = intValue(where, key, value, 2, Integer.MAX_VALUE);
            case "snapSizeLimitInKb" -> s.snapSizeLimitBytes = Values.longValue(where, key, value, Long.MIN_VALUE / 1024, Long.MAX_VALUE / 1024) * 1024;
            case "autopurge.snapRetainCount" -> s.retain = intValue(where, key, value, 1, Integer.MAX_VALUE);
            case "znode.container.checkIntervalMs" -> s.containerCheck = intValue(where, key, value, 1, Integer.MAX_VALUE);
            case "fsync.warningthresholdms" -> s.fsyncWarningMs = intValue(where, key, value, 0, Integer.MAX_VALUE);
            case "admin.enableServer" -> {
                s.adminEnabled = bool(where, key, value);
                s.adminRequired = s.adminEnabled;
            }
            case "admin.serverAddress" -> {
                s.adminAddress = nonEmpty(where, key, value);
                s.adminRequired = s.adminEnabled;
            }
            case "admin.serverPort" -> {
                s.adminPort = intValue(where, key, value, 0, 65535);
                s.adminRequired = s.adminEnabled;
            }
            case "admin.commandURL" -> {
                String url = nonEmpty(where, key, value);
                if (!url.startsWith("/") || url.equals("/")) throw new ConfigException(where + ": admin.commandURL must be a path like /commands, not '" + url + "'");
                s.commandUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            }
            case "admin.snapshot.enabled" -> s.snapshotCommand = bool(where, key, value);
            case "metricsProvider.className" -> {
                String cls = nonEmpty(where, key, value);
                if (!cls.equals(OperationsConfig.PROMETHEUS_PROVIDER) && !cls.equals("org.apache.zookeeper.metrics.impl.DefaultMetricsProvider")) {
                    throw new ConfigException(where + ": metricsProvider.className " + cls + " is not available; Meerkat offers "
                            + OperationsConfig.PROMETHEUS_PROVIDER + " (and the default provider)");
                }
                s.metricsProvider = cls.equals(OperationsConfig.PROMETHEUS_PROVIDER) ? cls : null;
            }
            case "metricsProvider.httpHost" -> s.metricsHost = nonEmpty(where, key, value);
            case "metricsProvider.httpPort" -> s.metricsPort = intValue(where, key, value, 0, 65535);
            case "metricsProvider.exportJvmInfo" -> s.exportJvm = bool(where, key, value);
            case "kafka.registry.enabled" -> s.kafka = new KafkaViewConfig(bool(where, key, value), s.kafka.probeEnabled(), s.kafka.probeIntervalMs(), s.kafka.probeTimeoutMs());
            case "kafka.probe.enabled" -> s.kafka = new KafkaViewConfig(s.kafka.enabled(), bool(where, key, value), s.kafka.probeIntervalMs(), s.kafka.probeTimeoutMs());
            case "kafka.probe.intervalMs" -> s.kafka = new KafkaViewConfig(s.kafka.enabled(), s.kafka.probeEnabled(), intValue(where, key, value, 100, Integer.MAX_VALUE), s.kafka.probeTimeoutMs());
            case "kafka.probe.timeoutMs" -> s.kafka = new KafkaViewConfig(s.kafka.enabled(), s.kafka.probeEnabled(), s.kafka.probeIntervalMs(), intValue(where, key, value, 10, 60_000));
            default -> {
                return false;
            }
        }
        return true;
    }

    private static String whyIgnored(String key) {
        if (ENSEMBLE_KEYS.contains(key) || ENSEMBLE_PREFIXES.stream().anyMatch(key::startsWith)) {
            return "is not used by Meerkat and is ignored (an ensemble setting Meerkat has no use for: its ensemble is Raft over one peer port)";
        }
        String reason = IGNORED_KEYS.get(key);
        if (reason == null && IGNORED_PREFIXES.stream().anyMatch(key::startsWith)) reason = "the metrics endpoint speaks plain HTTP";
        if (reason != null) return "is not used by Meerkat and is ignored (" + reason + ")";
        return "is not a ZooKeeper 3.9 setting and is ignored";
    }

    /** Every key this parser honours, for documentation and tests. */
    static Set<String> honouredKeys() {
        return Arrays.stream(new String[]{"clientPort", "clientPortAddress", "dataDir", "dataLogDir", "tickTime", "minSessionTimeout",
                "maxSessionTimeout", "maxClientCnxns", "jute.maxbuffer", "4lw.commands.whitelist", "superDigest",
                "DigestAuthenticationProvider.superDigest", "snapCount", "snapSizeLimitInKb", "autopurge.snapRetainCount", "znode.container.checkIntervalMs",
                "fsync.warningthresholdms", "admin.enableServer", "admin.serverAddress", "admin.serverPort", "admin.commandURL",
                "admin.snapshot.enabled", "metricsProvider.className", "metricsProvider.httpHost", "metricsProvider.httpPort",
                "metricsProvider.exportJvmInfo", "kafka.registry.enabled", "kafka.probe.enabled", "kafka.probe.intervalMs",
                "kafka.probe.timeoutMs", "peerType", "initLimit", "syncLimit", "electionAlg", "quorumListenOnAllIPs",
                "standaloneEnabled", "meerkat.raftTickMs", "meerkat.electionTicks", "meerkat.linearizableReads", "reconfigEnabled",
                "dynamicConfigFile", "readonlymode.enabled"})
                .collect(Collectors.collectingAndThen(Collectors.toSet(), keys -> {
                    keys.addAll(SecurityParser.KEYS);
                    return Set.copyOf(keys);
                }));
    }

    /** ZooKeeper's list: comma separated, trimmed, empty items dropped. */
    private static Set<String> wordList(String value) {
        Set<String> words = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(w -> !w.isEmpty()).forEach(words::add);
        return Set.copyOf(words);
    }

    private static String nonEmpty(String where, String key, String value) {
        if (value.isEmpty()) throw new ConfigException(where + ": " + key + " needs a value");
        return value;
    }

    private static boolean bool(String where, String key, String value) {
        return Values.bool(where, key, value);
    }

    private static int intValue(String where, String key, String value, int min, int max) {
        return Values.intValue(where, key, value, min, max);
    }

    /** The values being read, starting from the defaults. */
    private static final class Settings {
        final ServerConfig defaults = ServerConfig.defaults();
        String address = defaults.clientPortAddress();
        int port = defaults.clientPort();
        Path dataDir = defaults.dataDir();
        Path dataLogDir;
        int tick = defaults.tickTime();
        int minTimeout = -1;
        int maxTimeout = -1;
        int maxCnxns = defaults.maxClientCnxns();
        int maxBuffer = defaults.juteMaxBuffer();
        Set<String> words = defaults.fourLetterWords();
        String superDigest;
        int snapCount = defaults.snapCount();
        int retain = defaults.snapRetainCount();
        long snapSizeLimitBytes = defaults.snapSizeLimitBytes();
        int containerCheck = defaults.containerCheckIntervalMs();
        boolean adminEnabled = defaults.adminEnabled();
        boolean adminRequired;
        String adminAddress = defaults.adminAddress();
        int adminPort = defaults.adminPort();
        OperationsConfig ops = defaults.operations();
        String commandUrl = ops.adminCommandUrl();
        boolean snapshotCommand = ops.adminSnapshotEnabled();
        String metricsProvider;
        String metricsHost = ops.metricsHost();
        int metricsPort = ops.metricsPort();
        boolean exportJvm = ops.metricsExportJvmInfo();
        long fsyncWarningMs = ops.fsyncWarningThresholdMs();
        KafkaViewConfig kafka = defaults.kafkaView();
        boolean portGiven;
        Path baseDir;
        final EnsembleParser ensemble = new EnsembleParser();
        final SecurityParser security;

        Settings(Consumer<String> warnings) {
            security = new SecurityParser(warnings);
        }

        ServerConfig build(String name) {
            OperationsConfig o = new OperationsConfig(commandUrl, adminRequired && adminEnabled, metricsProvider, metricsHost, metricsPort,
                    exportJvm, snapshotCommand, fsyncWarningMs, null, null);
            EnsembleSettings ens = ensemble.build(name, baseDir);
            // In an ensemble without clientPort, each server may take its client port from its own server.N line.
            int clientPort = !portGiven && !ens.servers().isEmpty() ? -1 : port;
            // Without clientPort (and not in an ensemble), a server with a secureClientPort has no plain port, as ZooKeeper.
            SecurityConfig sec = security.build(name, portGiven || !ens.servers().isEmpty());
            return new ServerConfig(address, clientPort, dataDir, dataLogDir, tick, minTimeout, maxTimeout, maxCnxns, maxBuffer, words,
                    superDigest, snapCount, retain, snapSizeLimitBytes, containerCheck, adminEnabled, adminAddress, adminPort, ens, kafka, o, sec);
        }
    }
}
