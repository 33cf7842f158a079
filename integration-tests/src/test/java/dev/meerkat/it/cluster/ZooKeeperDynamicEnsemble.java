package dev.meerkat.it.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;

/**
 * Apache ZooKeeper 3.9.5 servers with {@code reconfigEnabled=true} ({@code QuorumPeerMain} in
 * their own JVMs), joined and removed as {@link ReconfigurableEnsemble}'s are, for side-by-side
 * runs. ZooKeeper needs real port numbers in its server lines, so each server's three ports are
 * found free (bound to 0, read back, released) the first time its line is asked for.
 */
public final class ZooKeeperDynamicEnsemble implements DynamicEnsemble {
    private final Path workDir;
    private final Path logback;
    private final List<String> extraConfig;
    private final Map<Integer, int[]> ports = new HashMap<>(); // client, quorum, election
    private final Map<Integer, ChildJvm> running = new TreeMap<>();
    private final Map<Integer, Integer> starts = new HashMap<>();

    private ZooKeeperDynamicEnsemble(Path workDir, List<String> extraConfig) throws IOException {
        this.workDir = workDir;
        this.extraConfig = List.copyOf(extraConfig);
        this.logback = Files.writeString(workDir.resolve("logback.xml"), """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder></appender>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
    }

    /** Servers {@code ids}, all participants; extra lines starting with -D are JVM system properties. */
    public static ZooKeeperDynamicEnsemble start(Path workDir, List<String> extraConfig, int... ids) throws IOException {
        ZooKeeperDynamicEnsemble z = new ZooKeeperDynamicEnsemble(workDir, extraConfig);
        try {
            List<String> lines = new ArrayList<>();
            for (int id : ids) lines.add(z.serverLine(id, false));
            for (int id : ids) z.join(id, lines);
            z.awaitServing(Duration.ofSeconds(60), ids);
            return z;
        } catch (RuntimeException | Error e) {
            z.close();
            throw e;
        }
    }

    @Override
    public String serverLine(int id, boolean observer) throws IOException {
        int[] p = ports.get(id);
        if (p == null) {
            p = new int[3];
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int k = 0; k < 3; k++) {
                    ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    held.add(s);
                    p[k] = s.getLocalPort();
                }
            } finally {
                for (ServerSocket s : held) s.close();
            }
            ports.put(id, p);
        }
        return "server." + id + "=127.0.0.1:" + p[1] + ":" + p[2] + ":" + (observer ? "observer" : "participant") + ";127.0.0.1:" + p[0];
    }

    @Override
    public void join(int id, Collection<String> serverLines) throws IOException {
        if (running.containsKey(id)) throw new IllegalStateException("zk " + id + " is running");
        Path dir = workDir.resolve("zk-" + id);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), id + "\n");
        StringBuilder cfg = new StringBuilder();
        cfg.append("tickTime=200\ninitLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(data.toAbsolutePath()).append('\n')
                .append("admin.enableServer=false\n4lw.commands.whitelist=*\n")
                .append("reconfigEnabled=true\nstandaloneEnabled=false\n");
        for (String line : extraConfig) if (!line.startsWith("-D")) cfg.append(line).append('\n');
        for (String line : serverLines) cfg.append(line).append('\n');
        Path file = configFile(id);
        if (!Files.exists(file)) Files.writeString(file, cfg.toString());
        int n = starts.merge(id, 1, Integer::sum);
        List<String> jvm = new ArrayList<>(List.of("-Xmx128m", "-Dlogback.configurationFile=" + logback.toAbsolutePath(),
                "-Dzookeeper.jmx.log4j.disable=true", "-Dzookeeper.admin.enableServer=false"));
        for (String line : extraConfig) if (line.startsWith("-D")) jvm.add(line);
        running.put(id, ChildJvm.start("zk-" + id + "-" + n, workDir.resolve("logs"), jvm,
                "org.apache.zookeeper.server.quorum.QuorumPeerMain", List.of(file.toAbsolutePath().toString())));
        await("zk " + id + " listening").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> !fourLetterWord(id, "ruok").isEmpty());
    }

    @Override
    public int stop(int id) throws InterruptedException {
        ChildJvm jvm = running.remove(id);
        if (jvm == null) throw new IllegalStateException("zk " + id + " is not running");
        return jvm.terminate(Duration.ofSeconds(30));
    }

    @Override
    public void kill(int id) {
        ChildJvm jvm = running.remove(id);
        if (jvm == null) throw new IllegalStateException("zk " + id + " is not running");
        jvm.kill();
    }

    @Override
    public String connectString(int... ids) {
        List<String> parts = new ArrayList<>();
        for (int id : ids) parts.add("127.0.0.1:" + ports.get(id)[0]);
        return String.join(",", parts);
    }

    @Override
    public String fourLetterWord(int id, String word) {
        return running.containsKey(id) ? ServerProbes.fourLetterWord(ports.get(id)[0], word, false) : "";
    }

    @Override
    public String mode(int id) {
        return ServerProbes.mode(fourLetterWord(id, "srvr"));
    }

    @Override
    public int leader() {
        return ServerProbes.awaitLeader("a ZooKeeper leader", Duration.ofSeconds(60), running::keySet, this::mode);
    }

    @Override
    public void awaitServing(Duration atMost, int... ids) {
        ServerProbes.awaitServing("zk servers " + java.util.Arrays.toString(ids) + " serving", atMost,
                () -> java.util.Arrays.stream(ids).boxed().toList(), this::mode);
    }

    @Override
    public Path configFile(int id) {
        return workDir.resolve("zk-" + id).resolve("zoo.cfg");
    }

    @Override
    public void close() {
        running.values().forEach(ChildJvm::close);
        running.clear();
    }
}
