package dev.meerkat.server.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads ZooKeeper's zoo.cfg format ({@code key=value} lines, {@code #} comments). Known keys are
 * honoured; keys ZooKeeper has but Meerkat does not use are accepted with a warning, so an existing
 * zoo.cfg works; a malformed value stops the server with the file and line.
 */
public final class ZooCfgParser {
    private static final Logger LOG = LoggerFactory.getLogger(ZooCfgParser.class);

    private final Consumer<String> warnings;

    public ZooCfgParser() {
        this(LOG::warn);
    }

    public ZooCfgParser(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    public ServerConfig parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read configuration: " + e.getMessage());
        }
        return parse(file.toString(), lines, file.toAbsolutePath().getParent());
    }

    ServerConfig parse(String name, List<String> lines, Path baseDir) {
        ServerConfig c = ServerConfig.defaults();
        String address = c.clientPortAddress();
        int port = c.clientPort();
        Path dataDir = c.dataDir();
        Path dataLogDir = null;
        int tick = c.tickTime();
        int minTimeout = -1;
        int maxTimeout = -1;
        int maxCnxns = c.maxClientCnxns();
        int maxBuffer = c.juteMaxBuffer();
        Set<String> words = c.fourLetterWords();
        String superDigest = null;
        int snapCount = c.snapCount();
        int retain = c.snapRetainCount();
        int containerCheck = c.containerCheckIntervalMs();
        boolean adminEnabled = c.adminEnabled();
        String adminAddress = c.adminAddress();
        int adminPort = c.adminPort();
        boolean portGiven = false;
        EnsembleParser ensemble = new EnsembleParser();
        KafkaViewConfig kafka = c.kafkaView();
        SecurityParser security = new SecurityParser(warnings);
        for (int i = 0; i < lines.size(); i++) {
            String where = name + ":" + (i + 1);
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) throw new ConfigException(where + ": expected key=value but found '" + line + "'");
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            switch (key) {
                case "clientPort" -> {
                    port = intValue(where, key, value, 0, 65535);
                    portGiven = true;
                }
                case "clientPortAddress" -> address = nonEmpty(where, key, value);
                case "dataDir" -> dataDir = path(baseDir, nonEmpty(where, key, value));
                case "dataLogDir" -> dataLogDir = path(baseDir, nonEmpty(where, key, value));
                case "tickTime" -> tick = intValue(where, key, value, 1, Integer.MAX_VALUE);
                case "minSessionTimeout" -> minTimeout = intValue(where, key, value, -1, Integer.MAX_VALUE);
                case "maxSessionTimeout" -> maxTimeout = intValue(where, key, value, -1, Integer.MAX_VALUE);
                case "maxClientCnxns" -> maxCnxns = intValue(where, key, value, 0, Integer.MAX_VALUE);
                case "jute.maxbuffer" -> maxBuffer = intValue(where, key, value, 1024, Integer.MAX_VALUE - 2048);
                case "4lw.commands.whitelist" -> words = wordList(value);
                case "superDigest" -> {
                    if (value.split(":").length != 2) throw new ConfigException(where + ": superDigest must be user:base64digest");
                    superDigest = value;
                }
                case "snapCount" -> snapCount = intValue(where, key, value, 2, Integer.MAX_VALUE);
                case "autopurge.snapRetainCount" -> retain = intValue(where, key, value, 1, Integer.MAX_VALUE);
                case "znode.container.checkIntervalMs" -> containerCheck = intValue(where, key, value, 1, Integer.MAX_VALUE);
                case "admin.enableServer" -> adminEnabled = bool(where, key, value);
                case "admin.serverAddress" -> adminAddress = nonEmpty(where, key, value);
                case "admin.serverPort" -> adminPort = intValue(where, key, value, 0, 65535);
                case "kafka.registry.enabled" -> kafka = new KafkaViewConfig(bool(where, key, value), kafka.probeEnabled(), kafka.probeIntervalMs(), kafka.probeTimeoutMs());
                case "kafka.probe.enabled" -> kafka = new KafkaViewConfig(kafka.enabled(), bool(where, key, value), kafka.probeIntervalMs(), kafka.probeTimeoutMs());
                case "kafka.probe.intervalMs" -> kafka = new KafkaViewConfig(kafka.enabled(), kafka.probeEnabled(), intValue(where, key, value, 100, Integer.MAX_VALUE), kafka.probeTimeoutMs());
                case "kafka.probe.timeoutMs" -> kafka = new KafkaViewConfig(kafka.enabled(), kafka.probeEnabled(), kafka.probeIntervalMs(), intValue(where, key, value, 10, 60_000));
                default -> {
                    if (EnsembleParser.owns(key)) ensemble.take(where, key, value);
                    else if (SecurityParser.owns(key)) security.take(where, key, value);
                    else warnings.accept(where + ": '" + key + "' is not used by Meerkat and is ignored");
                }
            }
        }
        EnsembleSettings ens = ensemble.build(name);
        // In an ensemble without clientPort, each server may take its client port from its own server.N line.
        if (!portGiven && !ens.servers().isEmpty()) port = -1;
        ServerConfig result = new ServerConfig(address, port, dataDir, dataLogDir, tick, minTimeout, maxTimeout, maxCnxns,
                maxBuffer, words, superDigest, snapCount, retain, containerCheck, adminEnabled, adminAddress, adminPort, ens, kafka,
                security.build(name, portGiven || !ens.servers().isEmpty()));
        if (result.effectiveMinSessionTimeout() > result.effectiveMaxSessionTimeout()) {
            throw new ConfigException(name + ": minSessionTimeout (" + result.effectiveMinSessionTimeout()
                    + ") is larger than maxSessionTimeout (" + result.effectiveMaxSessionTimeout() + ")");
        }
        return result;
    }

    private static Set<String> wordList(String value) {
        Set<String> words = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(w -> !w.isEmpty()).forEach(words::add);
        return Set.copyOf(words);
    }

    /** Relative directories are relative to the working directory, as ZooKeeper takes them. */
    private static Path path(Path baseDir, String value) {
        return Path.of(value);
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
}
