package dev.meerkat.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Kafka 3.9.1 broker (ZooKeeper mode) in a JVM of its own: {@code java -cp <classpath>
 * kafka.Kafka server.properties}. Being a separate process, it can really be SIGKILLed, SIGSTOPped
 * and SIGTERMed.
 *
 * <p>The classpath is the one Maven builds for it in {@code target/kafka-broker/} (see the
 * integration-tests pom): Kafka and its dependencies, the ZooKeeper 3.8.4 client Kafka 3.9 ships
 * with, and SLF4J 1.7 over reload4j; no logback or SLF4J 2 from the test classpath.
 */
final class KafkaBroker {
    private static final Path BROKER_RUNTIME = Path.of("target", "kafka-broker");
    private static final List<KafkaBroker> ALL = new ArrayList<>();

    static {
        // If the test JVM dies, no broker JVM outlives it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (ALL) {
                for (KafkaBroker b : ALL) b.killQuietly();
            }
        }, "kafka-broker-reaper"));
    }

    final int id;
    final int port;
    private final Path dir;
    private final Path logFile;
    private final Properties properties = new Properties();
    private Process process;
    private final List<String> jvmArgs = new ArrayList<>();

    KafkaBroker(int id, String zookeeperConnect, Path baseDir, Properties overrides) {
        this.id = id;
        this.port = freePort();
        this.dir = baseDir.resolve("broker-" + id);
        this.logFile = dir.resolve("broker.log");
        properties.setProperty("broker.id", Integer.toString(id));
        properties.setProperty("zookeeper.connect", zookeeperConnect);
        properties.setProperty("zookeeper.session.timeout.ms", "6000");
        properties.setProperty("zookeeper.connection.timeout.ms", "10000");
        properties.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port);
        properties.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        properties.setProperty("log.dirs", dir.resolve("data").toAbsolutePath().toString());
        properties.setProperty("num.partitions", "1");
        properties.setProperty("offsets.topic.replication.factor", "1");
        properties.setProperty("offsets.topic.num.partitions", "1");
        properties.setProperty("transaction.state.log.replication.factor", "1");
        properties.setProperty("transaction.state.log.min.isr", "1");
        properties.setProperty("transaction.state.log.num.partitions", "1");
        properties.setProperty("group.initial.rebalance.delay.ms", "0");
        // Two shared cores: few threads, no log cleaner (its dedupe buffer alone is 128 MB).
        properties.setProperty("num.network.threads", "1");
        properties.setProperty("num.io.threads", "2");
        properties.setProperty("background.threads", "2");
        properties.setProperty("num.recovery.threads.per.data.dir", "1");
        properties.setProperty("num.replica.fetchers", "1");
        properties.setProperty("log.cleaner.enable", "false");
        properties.setProperty("auto.leader.rebalance.enable", "false");
        properties.setProperty("controlled.shutdown.max.retries", "1");
        properties.setProperty("controlled.shutdown.retry.backoff.ms", "500");
        properties.setProperty("replica.fetch.wait.max.ms", "200");
        properties.setProperty("replica.lag.time.max.ms", "10000");
        properties.putAll(overrides);
        synchronized (ALL) {
            ALL.add(this);
        }
    }

    /** JVM flags for the broker's JVM (a JAAS file for its ZooKeeper client, say), from its next start on. */
    KafkaBroker jvmArgs(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /** Starts the broker JVM; returns at once (see {@link #isStarted()}). */
    synchronized KafkaBroker start() {
        if (process != null && process.isAlive()) throw new IllegalStateException("broker " + id + " is running");
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("server.properties");
            try (var out = Files.newBufferedWriter(config)) {
                properties.store(out, "Kafka broker " + id);
            }
            Path log4j = dir.resolve("log4j.properties");
            Files.writeString(log4j, String.join("\n",
                    "log4j.rootLogger=INFO, stdout",
                    "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                    "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                    "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                    "log4j.logger.kafka.request.logger=WARN",
                    "log4j.logger.org.apache.zookeeper=INFO",
                    "log4j.logger.state.change.logger=WARN",
                    ""));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                    "-Djava.awt.headless=true",
                    "-Dlog4j.configuration=" + log4j.toUri()));
            command.addAll(jvmArgs);
            command.addAll(List.of("-cp", classpath(), "kafka.Kafka", config.toAbsolutePath().toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            Files.writeString(logFile, "==== starting broker " + id + " at " + java.time.Instant.now() + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            logMarkAtStart = Files.size(logFile);
            process = pb.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long logMarkAtStart;

    /** The log of the current run says the broker finished starting. */
    boolean isStarted() {
        return logSinceStart().contains("] started (kafka.server.KafkaServer)");
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no ZooKeeper session close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: Kafka's shutdown hook runs a controlled shutdown. */
    void terminate() {
        process.destroy();
    }

    boolean awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    /** SIGSTOP: the JVM freezes, its sockets stay open, its ZooKeeper client stops pinging. */
    void suspend() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new IOException("kill -" + name + " " + pid() + " failed");
    }

    void killQuietly() {
        Process p = process;
        if (p == null) return;
        try {
            new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // best effort
        }
        p.destroyForcibly();
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    Path logFile() {
        return logFile;
    }

    String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(all.length, logMarkAtStart);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static final java.time.format.DateTimeFormatter LOG_TIME = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    /**
     * Milliseconds between the first line of the current run's log containing {@code from} and the
     * first line after it containing {@code to}, by the broker's own timestamps; NaN when missing.
     * This leaves out the broker JVM's boot, which the shared cores make vary from run to run.
     */
    double logMillisBetween(String from, String to) {
        java.time.LocalDateTime start = null;
        for (String line : logSinceStart().split("\n")) {
            if (line.length() < 25 || line.charAt(0) != '[') continue;
            if (start == null && line.contains(from)) {
                start = java.time.LocalDateTime.parse(line.substring(1, 24), LOG_TIME);
            } else if (start != null && line.contains(to)) {
                java.time.LocalDateTime end = java.time.LocalDateTime.parse(line.substring(1, 24), LOG_TIME);
                return java.time.Duration.between(start, end).toMillis();
            }
        }
        return Double.NaN;
    }

    /** From Kafka's "starting" to its "Registered broker" line: the broker's ZooKeeper start-up work. */
    double startingToRegisteredMillis() {
        return logMillisBetween("INFO starting (kafka.server.KafkaServer)", "Registered broker " + id + " at path");
    }

    /** The last lines of the broker's log, for failure messages. */
    String tail(int lines) {
        String[] all = logSinceStart().split("\n");
        return Stream.of(all).skip(Math.max(0, all.length - lines)).collect(Collectors.joining("\n"));
    }

    private static String classpath() throws IOException {
        Path file = BROKER_RUNTIME.resolve("classpath.txt");
        Path lib = BROKER_RUNTIME.resolve("lib");
        if (!Files.exists(file) || !Files.isDirectory(lib)) {
            throw new IllegalStateException(BROKER_RUNTIME.toAbsolutePath() + " is missing: run the tests through Maven (generate-test-resources builds it)");
        }
        StringBuilder cp = new StringBuilder(Files.readString(file).trim());
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.sorted().collect(Collectors.toList())) cp.append(java.io.File.pathSeparatorChar).append(jar.toAbsolutePath());
        }
        return cp.toString();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "broker " + id + " (127.0.0.1:" + port + ")";
    }
}
