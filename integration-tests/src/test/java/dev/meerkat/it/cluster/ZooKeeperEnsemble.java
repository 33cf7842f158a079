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
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A reference Apache ZooKeeper 3.9.5 ensemble of separate JVMs ({@code QuorumPeerMain}), for
 * side-by-side runs with {@link MeerkatEnsemble}.
 *
 * <p>ZooKeeper cannot bind port 0 for its quorum and election ports (it refuses equal ports, and
 * its peers need the numbers in their own files), so this is the one place the suite uses ports
 * found free a moment before: each is bound to port 0, read back and released, then given to
 * ZooKeeper. Should another process take one in between, the ensemble is started again with new
 * ports.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {
    private final int size;
    private final int tickTimeMs;
    private final Path workDir;
    private final Path logback;
    private final Map<Integer, int[]> ports = new HashMap<>(); // client, quorum, election
    private final Map<Integer, ChildJvm> running = new TreeMap<>();
    private final Map<Integer, Integer> starts = new HashMap<>();
    private final List<String> extraConfig;

    private ZooKeeperEnsemble(int size, int tickTimeMs, Path workDir, List<String> extraConfig) throws IOException {
        this.extraConfig = extraConfig;
        this.size = size;
        this.tickTimeMs = tickTimeMs;
        this.workDir = workDir;
        this.logback = Files.writeString(workDir.resolve("logback.xml"), """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder></appender>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
    }

    public static ZooKeeperEnsemble start(int size, int tickTimeMs, Path workDir) throws IOException {
        return start(size, tickTimeMs, workDir, List.of());
    }

    /** With extra zoo.cfg lines on every server (e.g. reconfigEnabled=true); a line starting with -D is a JVM system property instead. */
    public static ZooKeeperEnsemble start(int size, int tickTimeMs, Path workDir, List<String> extraConfig) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ZooKeeperEnsemble z = new ZooKeeperEnsemble(size, tickTimeMs, workDir, extraConfig);
            try {
                z.pickPorts();
                for (int i = 1; i <= size; i++) z.launch(i);
                z.awaitAllServing(Duration.ofSeconds(60));
                return z;
            } catch (RuntimeException | Error e) {
                boolean portTaken = z.running.values().stream().anyMatch(j -> j.stderrTail(20_000).contains("Address already in use"));
                z.close();
                if (!portTaken || attempt == 3) throw e;
            }
        }
    }

    private void pickPorts() throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 1; i <= size; i++) {
                int[] p = new int[3];
                for (int k = 0; k < 3; k++) {
                    ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    held.add(s);
                    p[k] = s.getLocalPort();
                }
                ports.put(i, p);
            }
        } finally {
            for (ServerSocket s : held) s.close();
        }
    }

    private Path dataDir(int id) {
        return workDir.resolve("zk-" + id).resolve("data");
    }

    private void launch(int id) throws IOException {
        Files.createDirectories(dataDir(id));
        Files.writeString(dataDir(id).resolve("myid"), id + "\n");
        StringBuilder cfg = new StringBuilder();
        cfg.append("tickTime=").append(tickTimeMs).append("\ninitLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(dataDir(id).toAbsolutePath()).append('\n')
                .append("clientPort=").append(ports.get(id)[0]).append("\nclientPortAddress=127.0.0.1\n")
                .append("admin.enableServer=false\n4lw.commands.whitelist=*\n");
        for (String line : extraConfig) if (!line.startsWith("-D")) cfg.append(line).append('\n');
        for (int j = 1; j <= size; j++) {
            cfg.append("server.").append(j).append("=127.0.0.1:").append(ports.get(j)[1]).append(':').append(ports.get(j)[2]).append('\n');
        }
        Path file = Files.writeString(workDir.resolve("zk-" + id).resolve("zoo.cfg"), cfg.toString());
        int n = starts.merge(id, 1, Integer::sum);
        List<String> jvm = new ArrayList<>(List.of("-Xmx160m", "-Dlogback.configurationFile=" + logback.toAbsolutePath(),
                "-Dzookeeper.jmx.log4j.disable=true", "-Dzookeeper.admin.enableServer=false"));
        for (String line : extraConfig) if (line.startsWith("-D")) jvm.add(line);
        running.put(id, ChildJvm.start("zk-" + id + "-" + n, workDir.resolve("logs"), jvm,
                "org.apache.zookeeper.server.quorum.QuorumPeerMain", List.of(file.toAbsolutePath().toString())));
    }

    public Collection<Integer> ids() {
        return ports.keySet();
    }

    public String connectString() {
        return ports.values().stream().map(p -> "127.0.0.1:" + p[0]).collect(Collectors.joining(","));
    }

    public String connectString(int id) {
        return "127.0.0.1:" + ports.get(id)[0];
    }

    public void kill(int id) {
        ChildJvm jvm = running.remove(id);
        if (jvm == null) throw new IllegalStateException("zk " + id + " is not running");
        jvm.kill();
    }

    public void restart(int id) throws IOException {
        launch(id);
    }

    public String fourLetterWord(int id, String word) {
        return running.containsKey(id) ? ServerProbes.fourLetterWord(ports.get(id)[0], word, true) : "";
    }

    public String mode(int id) {
        return ServerProbes.mode(fourLetterWord(id, "srvr"));
    }

    public int leader() {
        return ServerProbes.awaitLeader("a ZooKeeper leader", Duration.ofSeconds(60), running::keySet, this::mode);
    }

    public void awaitAllServing(Duration atMost) {
        ServerProbes.awaitServing("every ZooKeeper server serving", atMost, running::keySet, this::mode);
    }

    @Override
    public void close() {
        for (ChildJvm jvm : running.values()) jvm.close();
        running.clear();
    }
}
