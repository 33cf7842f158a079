package dev.meerkat.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A server under test in a JVM of its own, started the way its users start it — Meerkat as
 * {@code java -jar meerkat.jar zoo.cfg}, ZooKeeper 3.9.5 as {@code java -cp <its jars> QuorumPeerMain
 * zoo.cfg} (what {@code zkServer.sh start-foreground} runs) — optionally pinned to CPUs with
 * {@code taskset}, so that the load generator and the server do not share a core.
 */
public final class ServerProcess implements AutoCloseable {
    public enum Kind { MEERKAT, ZOOKEEPER }

    /** How to start a server; {@code cpus} e.g. "0" (empty: not pinned). */
    public record Spec(Kind kind, Path dataDir, int port, String cpus, List<String> jvmFlags, String extraConfig) {
        public Spec withFlags(String... flags) {
            return new Spec(kind, dataDir, port, cpus, List.of(flags), extraConfig);
        }
    }

    /** What ZooKeeper 3.9.5's distribution logs with (conf/logback.xml): INFO to the console. */
    private static final String ZK_LOGBACK = """
            <configuration>
              <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n</pattern></encoder>
                <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>INFO</level></filter>
              </appender>
              <root level="INFO"><appender-ref ref="CONSOLE"/></root>
            </configuration>
            """;

    private final Spec spec;
    private final Process process;
    private final long startNanos;
    private final Path log;

    private ServerProcess(Spec spec, Process process, long startNanos, Path log) {
        this.spec = spec;
        this.process = process;
        this.startNanos = startNanos;
        this.log = log;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the process; {@link #awaitImok} tells when it serves. */
    public static ServerProcess start(Spec spec) throws IOException {
        Files.createDirectories(spec.dataDir());
        Path cfg = spec.dataDir().resolveSibling(spec.dataDir().getFileName() + ".cfg");
        String common = "tickTime=2000\ndataDir=" + spec.dataDir() + "\nclientPort=" + spec.port() + "\nclientPortAddress=127.0.0.1\n"
                + "maxClientCnxns=0\n4lw.commands.whitelist=*\nadmin.enableServer=false\n" + spec.extraConfig();
        Files.writeString(cfg, common);
        List<String> cmd = new ArrayList<>();
        if (!spec.cpus().isEmpty()) cmd.addAll(List.of("taskset", "-c", spec.cpus()));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(spec.jvmFlags());
        if (spec.kind() == Kind.MEERKAT) {
            cmd.addAll(List.of("-jar", meerkatJar().toString(), cfg.toString()));
        } else {
            Path logback = spec.dataDir().resolveSibling("zookeeper-logback.xml");
            Files.writeString(logback, ZK_LOGBACK);
            cmd.addAll(List.of("-Dzookeeper.admin.enableServer=false", "-Dlogback.configurationFile=" + logback, "-cp", zooKeeperClasspath(),
                    "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg.toString()));
        }
        Path log = spec.dataDir().resolveSibling(spec.dataDir().getFileName() + ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServerProcess(spec, p, t0, log);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", spec.port());
    }

    public long pid() {
        return process.pid();
    }

    public Kind kind() {
        return spec.kind();
    }

    private static final int IMOK_ATTEMPT_MS = 50;

    /** Polls {@code ruok} until {@code imok}; returns ms since the process was started. */
    public double awaitImok(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException(spec.kind() + " exited: " + tail());
            // A short wait per attempt: a connection made while a server has bound its port but does not
            // yet serve may never be answered (ZooKeeper's, now and then), and waiting a second for it
            // would add that second to the figure.
            if ("imok".equals(fourLetter("ruok", IMOK_ATTEMPT_MS))) return (System.nanoTime() - startNanos) / 1e6;
            // Another process starting: nothing to wait on but its port, so poll it at 1 ms (the resolution of the figure).
            Thread.sleep(1);
        }
        throw new IOException(spec.kind() + " not serving after " + timeoutMs + " ms: " + tail());
    }

    public double sinceStartMs() {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** A four-letter word's answer, or null when nobody listens. */
    public String fourLetter(String word, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(address(), timeoutMs);
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }

    /** Heap in use after a full collection (jcmd GC.run, then GC.heap_info), in bytes. */
    public long liveHeapBytes() throws IOException, InterruptedException {
        jcmd("GC.run");
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        // G1: "garbage-first heap   total 123K, used 45K"; Serial/Parallel: sum the generations' "used".
        long used = 0;
        for (String line : info.split("\n")) {
            String l = line.trim();
            int at = l.indexOf(" used ");
            if (at < 0 || l.startsWith("Metaspace") || l.startsWith("class space") || l.contains("region size")) continue;
            if (l.startsWith("from space") || l.startsWith("to   space") || l.startsWith("eden space") || l.startsWith("the space")) continue;
            String v = l.substring(at + 6).split("[ ,]")[0];
            used += parseSize(v);
        }
        return used;
    }

    /** Resident set size of the process, in bytes. */
    /**
     * Waits until the server has used under 5 % of a CPU for a whole second (at most
     * {@code maxWaitMs}): the state a heap figure should describe, after whatever the last writes
     * started (a snapshot, a log roll) is done. Returns how long it waited.
     */
    public long awaitIdle(long maxWaitMs) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long before = cpuTicks();
        while ((System.nanoTime() - t0) / 1_000_000 < maxWaitMs) {
            Thread.sleep(1000); // the sampling window of the CPU figure, not a wait for an event
            long now = cpuTicks();
            if (now - before < 5) break; // clock ticks are 1/100 s: under 5 % of one CPU
            before = now;
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15 of stat
    }

    public long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
        throw new IOException("no VmRSS for " + process.pid());
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("jcmd " + command + " failed: " + out);
        return out;
    }

    private static long parseSize(String v) {
        long mult = switch (v.charAt(v.length() - 1)) {
            case 'K' -> 1024L;
            case 'M' -> 1024L * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1;
        };
        String digits = Character.isDigit(v.charAt(v.length() - 1)) ? v : v.substring(0, v.length() - 1);
        return Long.parseLong(digits) * mult;
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    public boolean outOfMemory() {
        try {
            return Files.readString(log).contains("OutOfMemoryError");
        } catch (IOException e) {
            return false;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (both servers shut down cleanly on it), then waits. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** The runnable jar this worktree built ({@code mvn package}); {@code -Dbench.meerkatJar} overrides. */
    static Path meerkatJar() {
        Path p = Path.of(System.getProperty("bench.meerkatJar", "server/target/meerkat.jar"));
        if (!Files.exists(p)) throw new IllegalStateException(p + " is missing: run mvn -q -B -DskipTests package first");
        return p.toAbsolutePath();
    }

    /** ZooKeeper 3.9.5's runtime jars, taken from this JVM's class path (the test classpath holds them). */
    static String zooKeeperClasspath() {
        List<String> wanted = List.of("/zookeeper/3.9.5/", "/zookeeper-jute/3.9.5/", "/io/netty/", "/slf4j-api/", "/logback-",
                "/metrics-core/", "/snappy-java/", "/commons-io/", "/commons-cli/", "/audience-annotations/");
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> wanted.stream().anyMatch(e::contains))
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
