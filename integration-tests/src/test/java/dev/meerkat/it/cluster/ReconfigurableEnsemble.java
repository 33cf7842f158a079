package dev.meerkat.it.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * Meerkat servers with {@code reconfigEnabled=true} whose membership changes while they run:
 * servers join with a zoo.cfg that lists the ensemble and themselves (as ZooKeeper's do), and leave.
 *
 * <p>Every server has one stable peer address and one stable client address, each a
 * {@link LinkProxy} the test owns, and its server line names those: so the server lines are the
 * same on every server and in the configuration the ensemble keeps in its log, and a server that is
 * replaced keeps no address of its predecessor. Servers bind port 0 ({@code --port 0 --peer-port
 * 0}) and print what they bound; the proxies then point there.
 */
public final class ReconfigurableEnsemble implements DynamicEnsemble {
    private static final Pattern READY = Pattern.compile("MEERKAT_READY port=(\\d+) peerPort=(\\d+)");

    private final Path workDir;
    private final Path logback;
    private final List<String> extraConfig;
    private final Map<Integer, LinkProxy> peerProxies = new TreeMap<>();
    private final Map<Integer, LinkProxy> clientProxies = new TreeMap<>();
    private final Map<Integer, ChildJvm> running = new TreeMap<>();
    private final Map<Integer, Integer> clientPorts = new TreeMap<>();
    private final Map<Integer, Integer> starts = new TreeMap<>();

    private ReconfigurableEnsemble(Path workDir, List<String> extraConfig) throws IOException {
        this.workDir = workDir;
        this.extraConfig = List.copyOf(extraConfig);
        this.logback = Files.writeString(workDir.resolve("logback.xml"), """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder></appender>
                  <logger name="net.openhft" level="WARN"/>
                  <logger name="io.netty" level="WARN"/>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
    }

    /** Starts servers {@code ids} as one ensemble (all participants) and waits until every one serves. */
    public static ReconfigurableEnsemble start(Path workDir, List<String> extraConfig, int... ids) throws IOException {
        ReconfigurableEnsemble e = new ReconfigurableEnsemble(workDir, extraConfig);
        try {
            List<String> lines = new ArrayList<>();
            for (int id : ids) lines.add(e.serverLine(id, false));
            for (int id : ids) e.launch(id, lines);
            for (int id : ids) e.awaitReady(id);
            e.awaitServing(Duration.ofSeconds(60), ids);
            return e;
        } catch (RuntimeException | Error err) {
            e.close();
            throw err;
        }
    }

    /** The server line ZooKeeper's reconfig and zoo.cfg take for {@code id} (its proxies are made on first use). */
    @Override
    public String serverLine(int id, boolean observer) throws IOException {
        if (!peerProxies.containsKey(id)) {
            peerProxies.put(id, new LinkProxy("peer-" + id));
            clientProxies.put(id, new LinkProxy("client-" + id));
        }
        return "server." + id + "=127.0.0.1:" + peerProxies.get(id).port() + ":0:" + (observer ? "observer" : "participant")
                + ";127.0.0.1:" + clientProxies.get(id).port();
    }

    /** Starts server {@code id} with the given server lines in its zoo.cfg and waits until its ports are bound. */
    @Override
    public void join(int id, Collection<String> serverLines) throws IOException {
        launch(id, serverLines);
        awaitReady(id);
    }

    private void launch(int id, Collection<String> serverLines) throws IOException {
        if (running.containsKey(id)) throw new IllegalStateException("server " + id + " is running");
        Path dir = workDir.resolve("server-" + id);
        Files.createDirectories(dataDir(id));
        Files.writeString(dataDir(id).resolve("myid"), id + "\n");
        StringBuilder cfg = new StringBuilder();
        cfg.append("tickTime=200\ninitLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(dataDir(id).toAbsolutePath()).append('\n')
                .append("clientPortAddress=127.0.0.1\n4lw.commands.whitelist=*\nadmin.enableServer=false\n")
                .append("reconfigEnabled=true\nstandaloneEnabled=false\n")
                .append("meerkat.raftTickMs=50\nmeerkat.electionTicks=20\n");
        for (String line : extraConfig) cfg.append(line).append('\n');
        for (String line : serverLines) cfg.append(line).append('\n');
        Path file = dir.resolve("zoo.cfg");
        // A restart keeps what the server wrote itself (its dynamic configuration file), as an operator would.
        if (!Files.exists(file)) Files.writeString(file, cfg.toString());
        int n = starts.merge(id, 1, Integer::sum);
        ChildJvm jvm = ChildJvm.start("server-" + id + "-" + n, logDir(), List.of("-Xmx128m",
                        "-Dlogback.configurationFile=" + logback.toAbsolutePath(), "-Dchronicle.analytics.disable=true",
                        "-Dchronicle.announcer.disable=true", "-Ddisable.perf.info=true"),
                "dev.meerkat.server.Main", List.of(file.toAbsolutePath().toString(), "--port", "0", "--peer-port", "0"));
        running.put(id, jvm);
    }

    private void awaitReady(int id) {
        Matcher m = running.get(id).awaitStdout(READY, 0, Duration.ofSeconds(60));
        int clientPort = Integer.parseInt(m.group(1));
        clientPorts.put(id, clientPort);
        clientProxies.get(id).target(clientPort);
        peerProxies.get(id).target(Integer.parseInt(m.group(2)));
    }

    /** SIGKILL; its addresses refuse connections from then on. */
    @Override
    public void kill(int id) {
        ChildJvm jvm = running.remove(id);
        if (jvm == null) throw new IllegalStateException("server " + id + " is not running");
        jvm.kill();
        down(id);
    }

    /** SIGTERM (a leader hands over first); returns the exit code. */
    @Override
    public int stop(int id) throws InterruptedException {
        ChildJvm jvm = running.remove(id);
        if (jvm == null) throw new IllegalStateException("server " + id + " is not running");
        int code = jvm.terminate(Duration.ofSeconds(30));
        down(id);
        return code;
    }

    private void down(int id) {
        clientProxies.get(id).target(-1);
        clientProxies.get(id).dropAll();
        peerProxies.get(id).target(-1);
        peerProxies.get(id).dropAll();
    }

    public Path dataDir(int id) {
        return workDir.resolve("server-" + id).resolve("data");
    }

    @Override
    public Path configFile(int id) {
        return workDir.resolve("server-" + id).resolve("zoo.cfg");
    }

    public Path logDir() {
        return workDir.resolve("logs");
    }

    public Collection<Integer> running() {
        return List.copyOf(running.keySet());
    }

    /** The client addresses of the given servers, as a ZooKeeper connect string. */
    @Override
    public String connectString(int... ids) {
        List<String> parts = new ArrayList<>();
        for (int id : ids) parts.add("127.0.0.1:" + clientProxies.get(id).port());
        return String.join(",", parts);
    }

    public String connectString(Collection<Integer> ids) {
        return ids.stream().map(id -> "127.0.0.1:" + clientProxies.get(id).port()).collect(Collectors.joining(","));
    }

    /** A four-letter word sent straight to the server; "" when it is down. */
    @Override
    public String fourLetterWord(int id, String word) {
        Integer port = clientPorts.get(id);
        return port == null || !running.containsKey(id) ? "" : ServerProbes.fourLetterWord(port, word, false);
    }

    @Override
    public String mode(int id) {
        return ServerProbes.mode(fourLetterWord(id, "srvr"));
    }

    public String mntr(int id, String key) {
        for (String line : fourLetterWord(id, "mntr").split("\n")) {
            if (line.startsWith(key + "\t")) return line.substring(key.length() + 1).trim();
        }
        return "";
    }

    /** The leader, once one of the running servers says it leads. */
    @Override
    public int leader() {
        return ServerProbes.awaitLeader("a leader", Duration.ofSeconds(60), running::keySet, this::mode);
    }

    @Override
    public void awaitServing(Duration atMost, int... ids) {
        ServerProbes.awaitServing("servers " + java.util.Arrays.toString(ids) + " serving", atMost,
                () -> java.util.Arrays.stream(ids).boxed().toList(), this::mode);
    }

    public String stderrTail(int id, int chars) {
        ChildJvm jvm = running.get(id);
        return jvm == null ? "" : jvm.stderrTail(chars);
    }

    @Override
    public void close() {
        running.values().forEach(ChildJvm::close);
        running.clear();
        clientProxies.values().forEach(LinkProxy::close);
        peerProxies.values().forEach(LinkProxy::close);
    }
}
