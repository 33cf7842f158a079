package dev.meerkat.it.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A Meerkat ensemble of separate JVMs on loopback, configured exactly as a user would (zoo.cfg with
 * {@code server.N} lines, a myid file in each dataDir), with every port bound to 0 and read back.
 *
 * <p>Every link goes through a {@link LinkProxy} the test owns: one per direction between each
 * pair of servers (so a partition can be cut, healed or made one-way), and one in front of each
 * server's client port (so the connect string stays the same when a server restarts on a new port,
 * and a dead server's address refuses connections, as a dead host's would).
 */
public final class MeerkatEnsemble implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("MEERKAT_READY port=(\\d+) peerPort=(\\d+)(?:.* adminPort=(\\d+))?");

    /** How the ensemble is set up. */
    public record Options(int participants, int observers, int tickTimeMs, int raftTickMs, int electionTicks,
                          int snapCount, String heap, List<String> extraConfig, List<String> jvmArgs,
                          Map<Integer, List<String>> serverConfig, boolean direct) {
        public static Options of(int participants) {
            return new Options(participants, 0, 500, 50, 20, 100_000, "160m", List.of(), List.of(), Map.of(), false);
        }

        /**
         * No proxies: servers and clients talk on ports found free just before start, as a
         * benchmark needs (a relay would cost both sides a hop). No partitions in this mode.
         */
        public Options direct(String heap) {
            return new Options(participants, observers, tickTimeMs, raftTickMs, electionTicks, snapCount, heap, extraConfig, jvmArgs, serverConfig, true);
        }

        /** Lines for one server's zoo.cfg only (to misconfigure it, say). */
        public Options withServerConfig(int id, String... lines) {
            Map<Integer, List<String>> all = new HashMap<>(serverConfig);
            all.put(id, List.of(lines));
            return new Options(participants, observers, tickTimeMs, raftTickMs, electionTicks, snapCount, heap, extraConfig, jvmArgs, all, direct);
        }

        public Options withObservers(int n) {
            return new Options(participants, n, tickTimeMs, raftTickMs, electionTicks, snapCount, heap, extraConfig, jvmArgs, serverConfig, direct);
        }

        public Options withSnapCount(int n) {
            return new Options(participants, observers, tickTimeMs, raftTickMs, electionTicks, n, heap, extraConfig, jvmArgs, serverConfig, direct);
        }

        public Options withTickTime(int ms) {
            return new Options(participants, observers, ms, raftTickMs, electionTicks, snapCount, heap, extraConfig, jvmArgs, serverConfig, direct);
        }

        public Options withConfig(String... lines) {
            List<String> all = new ArrayList<>(extraConfig);
            all.addAll(List.of(lines));
            return new Options(participants, observers, tickTimeMs, raftTickMs, electionTicks, snapCount, heap, all, jvmArgs, serverConfig, direct);
        }

        public Options withJvmArgs(String... args) {
            List<String> all = new ArrayList<>(jvmArgs);
            all.addAll(List.of(args));
            return new Options(participants, observers, tickTimeMs, raftTickMs, electionTicks, snapCount, heap, extraConfig, all, serverConfig, direct);
        }

        int size() {
            return participants + observers;
        }
    }

    private final Options options;
    private final Path workDir;
    private final Path logback;
    private final Map<Integer, LinkProxy> clientProxies = new TreeMap<>();
    /** Key: "from>to". */
    private final Map<String, LinkProxy> peerProxies = new HashMap<>();
    private final Map<Integer, ChildJvm> running = new TreeMap<>();
    private final Map<Integer, Integer> clientPorts = new HashMap<>();
    private final Map<Integer, Integer> adminPorts = new HashMap<>();
    private final Map<Integer, Integer> starts = new HashMap<>();
    /** Extra JVM flags per server (a fault injection, say), from its next (re)start on. */
    private final Map<Integer, List<String>> serverJvmArgs = new HashMap<>();
    /** Direct mode: each server's client and peer port, fixed for its life. */
    private final Map<Integer, int[]> directPorts = new HashMap<>();

    private MeerkatEnsemble(Options options, Path workDir) throws IOException {
        this.options = options;
        this.workDir = workDir;
        this.logback = Files.writeString(workDir.resolve("logback.xml"), """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder></appender>
                  <logger name="net.openhft" level="WARN"/>
                  <logger name="io.netty" level="WARN"/>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
        if (options.direct()) pickDirectPorts(options.size());
        for (int i = 1; i <= options.size(); i++) {
            clientProxies.put(i, new LinkProxy("client-" + i));
            for (int j = 1; j <= options.size(); j++) {
                if (i != j) peerProxies.put(i + ">" + j, new LinkProxy(i + ">" + j));
            }
        }
    }

    /** Starts every server and waits until one leads and all serve. */
    public static MeerkatEnsemble start(Options options, Path workDir) throws IOException {
        MeerkatEnsemble e = launchAll(options, workDir);
        try {
            for (int i = 1; i <= options.size(); i++) e.awaitReady(i);
            e.awaitAllServing(Duration.ofSeconds(60));
            return e;
        } catch (RuntimeException | Error err) {
            e.close();
            throw err;
        }
    }

    /** Starts every server's process and returns at once (for tests of servers that must not start). */
    public static MeerkatEnsemble launchAll(Options options, Path workDir) throws IOException {
        MeerkatEnsemble e = new MeerkatEnsemble(options, workDir);
        try {
            for (int i = 1; i <= options.size(); i++) e.launch(i);
            return e;
        } catch (RuntimeException | Error err) {
            e.close();
            throw err;
        }
    }

    /** Waits for a launched server to bind its ports. */
    public void awaitBound(int id) {
        awaitReady(id);
    }

    /** The process of a server, for exit codes and output. */
    ChildJvm process(int id) {
        return running.get(id);
    }

    public Options options() {
        return options;
    }

    private void pickDirectPorts(int n) throws IOException {
        List<java.net.ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 1; i <= n; i++) {
                java.net.ServerSocket client = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                java.net.ServerSocket peer = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(client);
                held.add(peer);
                directPorts.put(i, new int[]{client.getLocalPort(), peer.getLocalPort()});
            }
        } finally {
            for (java.net.ServerSocket s : held) s.close();
        }
    }

    public Collection<Integer> ids() {
        return clientProxies.keySet();
    }

    public boolean isObserver(int id) {
        return id > options.participants();
    }

    /** The stable client address of every server, as a ZooKeeper connect string. */
    public String connectString() {
        if (options.direct()) return directPorts.values().stream().map(p -> "127.0.0.1:" + p[0]).collect(Collectors.joining(","));
        return clientProxies.values().stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
    }

    /** The stable client addresses of the given servers only. */
    public String connectString(int... ids) {
        List<String> parts = new ArrayList<>();
        for (int id : ids) parts.add("127.0.0.1:" + (options.direct() ? directPorts.get(id)[0] : clientProxies.get(id).port()));
        return String.join(",", parts);
    }

    public Path dataDir(int id) {
        return workDir.resolve("server-" + id).resolve("data");
    }

    public Path logDir() {
        return workDir.resolve("logs");
    }

    private Path writeConfig(int id) throws IOException {
        Path dir = workDir.resolve("server-" + id);
        Files.createDirectories(dataDir(id));
        Files.writeString(dataDir(id).resolve("myid"), id + "\n");
        StringBuilder cfg = new StringBuilder();
        cfg.append("tickTime=").append(options.tickTimeMs()).append('\n')
                .append("initLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(dataDir(id).toAbsolutePath()).append('\n')
                .append("clientPortAddress=127.0.0.1\n")
                .append("4lw.commands.whitelist=*\n")
                .append("admin.enableServer=false\n")
                .append("snapCount=").append(options.snapCount()).append('\n')
                .append("meerkat.raftTickMs=").append(options.raftTickMs()).append('\n')
                .append("meerkat.electionTicks=").append(options.electionTicks()).append('\n');
        if (isObserver(id)) cfg.append("peerType=observer\n");
        for (String line : options.extraConfig()) cfg.append(line).append('\n');
        for (String line : options.serverConfig().getOrDefault(id, List.of())) cfg.append(line).append('\n');
        if (options.direct()) cfg.append("clientPort=").append(directPorts.get(id)[0]).append('\n');
        for (int j = 1; j <= options.size(); j++) {
            // Our own line: any free port, printed once bound. Peers: the proxy for that direction.
            int port = options.direct() ? directPorts.get(j)[1] : j == id ? 0 : peerProxies.get(id + ">" + j).port();
            cfg.append("server.").append(j).append("=127.0.0.1:").append(port).append(":0")
                    .append(isObserver(j) ? ":observer" : "").append('\n');
        }
        return Files.writeString(dir.resolve("zoo.cfg"), cfg.toString());
    }

    private void launch(int id) throws IOException {
        if (running.containsKey(id)) throw new IllegalStateException("server " + id + " is running");
        Path cfg = writeConfig(id);
        int n = starts.merge(id, 1, Integer::sum);
        ChildJvm jvm = ChildJvm.start("server-" + id + "-" + n, logDir(), jvmFlags(id),
                "dev.meerkat.server.Main", options.direct() ? List.of(cfg.toAbsolutePath().toString())
                        : List.of(cfg.toAbsolutePath().toString(), "--port", "0"));
        running.put(id, jvm);
    }

    private List<String> jvmFlags(int id) {
        List<String> flags = new ArrayList<>(List.of("-Xmx" + options.heap(), "-Dlogback.configurationFile=" + logback.toAbsolutePath(),
                "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true", "-Ddisable.perf.info=true"));
        flags.addAll(options.jvmArgs());
        flags.addAll(serverJvmArgs.getOrDefault(id, List.of()));
        return flags;
    }

    /** Extra JVM flags for server {@code id} from its next (re)start on (a fault injection, say). */
    public void setJvmArgs(int id, String... args) {
        serverJvmArgs.put(id, List.of(args));
    }

    /** Waits for server {@code id} to exit by itself; returns its exit code. */
    public int awaitExit(int id, Duration atMost) throws InterruptedException {
        ChildJvm jvm = running.get(id);
        int code = jvm.exitCode(atMost);
        running.remove(id);
        clientProxies.get(id).target(-1);
        for (int j : ids()) if (j != id) peerProxies.get(j + ">" + id).target(-1);
        return code;
    }

    private void awaitReady(int id) {
        Matcher m = running.get(id).awaitStdout(READY, 0, Duration.ofSeconds(60));
        int clientPort = Integer.parseInt(m.group(1));
        int peerPort = Integer.parseInt(m.group(2));
        clientPorts.put(id, clientPort);
        if (m.group(3) != null) adminPorts.put(id, Integer.parseInt(m.group(3)));
        clientProxies.get(id).target(clientPort);
        for (int j : ids()) if (j != id) peerProxies.get(j + ">" + id).target(peerPort);
    }

    /** The AdminServer's port of a running server started with admin.enableServer=true. */
    public int adminPort(int id) {
        Integer port = adminPorts.get(id);
        if (port == null) throw new IllegalStateException("server " + id + " has no AdminServer");
        return port;
    }

    /** SIGKILL of one server: its connections reset, its address refuses new ones. */
    public void kill(int id) {
        ChildJvm jvm = running.remove(id);
        if (jvm == null) throw new IllegalStateException("server " + id + " is not running");
        jvm.kill();
        clientProxies.get(id).target(-1);
        clientProxies.get(id).dropAll();
        for (int j : ids()) {
            if (j != id) {
                peerProxies.get(j + ">" + id).target(-1);
                peerProxies.get(j + ">" + id).dropAll();
                peerProxies.get(id + ">" + j).dropAll();
            }
        }
    }

    /** SIGTERM of one server; returns its exit code. */
    public int terminate(int id) throws InterruptedException {
        ChildJvm jvm = running.remove(id);
        int code = jvm.terminate(Duration.ofSeconds(30));
        clientProxies.get(id).target(-1);
        for (int j : ids()) if (j != id) peerProxies.get(j + ">" + id).target(-1);
        return code;
    }

    /** Starts a stopped server again on its data directory; returns once its ports are bound. */
    public void restart(int id) throws IOException {
        launch(id);
        awaitReady(id);
    }

    public boolean isRunning(int id) {
        return running.containsKey(id);
    }

    /**
     * Silences every link between {@code side} and the other servers, both ways, as a real network
     * partition does (no connection is reset: packets just stop); clients still reach everyone.
     */
    public void partition(Set<Integer> side) {
        requireProxies();
        for (int i : ids()) {
            for (int j : ids()) {
                if (i != j && side.contains(i) != side.contains(j)) peerProxies.get(i + ">" + j).blackhole();
            }
        }
    }

    /** Like {@link #partition}, but the links are reset and refused, as when the other side's host is down. */
    public void partitionWithResets(Set<Integer> side) {
        requireProxies();
        for (int i : ids()) {
            for (int j : ids()) {
                if (i != j && side.contains(i) != side.contains(j)) peerProxies.get(i + ">" + j).cut();
            }
        }
    }

    /** Adds latency to every peer link. */
    public void delayPeerLinks(long ms) {
        peerProxies.values().forEach(p -> p.delay(ms));
    }

    /** Cuts the link from {@code from} to {@code to} only. */
    public void cutOneWay(int from, int to) {
        requireProxies();
        peerProxies.get(from + ">" + to).cut();
    }

    private void requireProxies() {
        if (options.direct()) throw new UnsupportedOperationException("a direct ensemble (for benchmarks) has no proxies to cut");
    }

    public void heal() {
        peerProxies.values().forEach(p -> {
            p.heal();
            p.delay(0);
        });
    }

    /** Cuts a server's client address (its clients are disconnected and cannot come back to it). */
    public void cutClients(int id) {
        requireProxies();
        clientProxies.get(id).cut();
    }

    public void healClients(int id) {
        clientProxies.get(id).heal();
    }

    // ---- four-letter words ------------------------------------------------------------------------

    /** A four-letter word sent straight to the server (not through its proxy); "" when it is down or closes. */
    public String fourLetterWord(int id, String word) {
        Integer port = clientPorts.get(id);
        return port == null || !running.containsKey(id) ? "" : ServerProbes.fourLetterWord(port, word, false);
    }

    /** The value of one mntr key on server {@code id}, or null. */
    public String mntr(int id, String key) {
        for (String line : fourLetterWord(id, "mntr").split("\n")) {
            String[] kv = line.split("\t", 2);
            if (kv.length == 2 && kv[0].equals(key)) return kv[1];
        }
        return null;
    }

    /** "leader", "follower", "observer", or "" when the server does not serve. */
    public String mode(int id) {
        return ServerProbes.mode(fourLetterWord(id, "srvr"));
    }

    /** The server that leads now, after waiting for one that every running participant agrees on. */
    public int leader() {
        int[] found = {0};
        await("a leader").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            Map<Integer, String> modes = modes();
            List<Integer> leaders = modes.entrySet().stream().filter(e -> e.getValue().equals("leader")).map(Map.Entry::getKey).toList();
            if (leaders.size() != 1) return false;
            found[0] = leaders.get(0);
            return true;
        });
        return found[0];
    }

    public Map<Integer, String> modes() {
        Map<Integer, String> modes = new LinkedHashMap<>();
        for (int id : running.keySet()) modes.put(id, mode(id));
        return modes;
    }

    /** Waits until every running server serves clients (it has a leader). */
    public void awaitAllServing(Duration atMost) {
        ServerProbes.awaitServing("every running server serving", atMost, running::keySet, this::mode);
    }

    /** The last applied zxid of every running server. */
    public Map<Integer, Long> lastZxids() {
        Map<Integer, Long> out = new TreeMap<>();
        for (int id : running.keySet()) {
            String v = mntr(id, "zk_meerkat_last_applied_zxid");
            if (v != null) out.put(id, Long.parseLong(v.trim()));
        }
        return out;
    }

    public String describe() {
        StringBuilder b = new StringBuilder();
        for (int id : ids()) {
            b.append("server ").append(id).append(running.containsKey(id) ? " " + mode(id) : " down").append("; ");
        }
        return b.toString();
    }

    public String stderrTail(int id, int chars) {
        ChildJvm jvm = running.get(id);
        return jvm == null ? "(not running)" : jvm.stderrTail(chars);
    }

    /** Writes every running server's thread dump next to its log, for a failure to be diagnosed. */
    public void dumpThreads() {
        for (Map.Entry<Integer, ChildJvm> r : running.entrySet()) {
            try {
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(r.getValue().pid()), "Thread.print")
                        .redirectOutput(logDir().resolve("server-" + r.getKey() + "-threads.txt").toFile()).start();
                p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // diagnostics only
            }
        }
    }

    @Override
    public void close() {
        if (Boolean.getBoolean("meerkat.it.dumpThreads")) dumpThreads();
        for (ChildJvm jvm : running.values()) jvm.close();
        running.clear();
        clientProxies.values().forEach(LinkProxy::close);
        peerProxies.values().forEach(LinkProxy::close);
    }
}
