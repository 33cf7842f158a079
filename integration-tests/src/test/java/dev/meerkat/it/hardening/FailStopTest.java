package dev.meerkat.it.hardening;

import dev.meerkat.it.crash.MeerkatProcess;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fail-stop, never a zombie: when the log's disk fails (an fsync error, injected with
 * meerkat.fault.logSyncFailsAfter), the server stops serving at once: its clients are disconnected
 * (so that they fail over), ruok no longer answers imok, new sessions are refused, and the
 * standalone process exits non-zero. Every write that was acknowledged is there after a restart.
 */
class FailStopTest {

    private static String ruok(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ruok".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "refused: " + e.getMessage();
        }
    }

    /** Writes until a write fails; returns the paths whose creation was acknowledged. */
    private static List<String> writeUntilFailure(ZooKeeper zk) {
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String path = "/acked-" + i;
            try {
                zk.create(path, ("v" + i).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                acked.add(path);
            } catch (KeeperException | InterruptedException e) {
                return acked;
            }
        }
        throw new AssertionError("the injected disk failure never came");
    }

    @Test
    void anEmbeddedServerWhoseDiskFailsClosesItsClientsAndStopsAnsweringImok(@TempDir Path data) throws Exception {
        Meerkat meerkat;
        System.setProperty("meerkat.fault.logSyncFailsAfter", "40");
        try {
            // ruok must be whitelisted: by default only srvr runs, as on ZooKeeper.
            meerkat = Meerkat.start(ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(data)
                    .withFourLetterWords(java.util.Set.of("ruok")));
        } finally {
            System.clearProperty("meerkat.fault.logSyncFailsAfter");
        }
        int port = meerkat.port();
        List<String> acked;
        CountDownLatch disconnected = new CountDownLatch(1);
        try {
            assertThat(ruok(port)).isEqualTo("imok");
            ZooKeeper zk = new ZooKeeper(meerkat.connectString(), 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.Disconnected) disconnected.countDown();
            });
            await().atMost(Duration.ofSeconds(15)).until(() -> zk.getState().isConnected());
            acked = writeUntilFailure(zk);
            assertThat(disconnected.await(15, TimeUnit.SECONDS)).as("the client was disconnected, so it can fail over").isTrue();
            assertThat(meerkat.node().failure()).hasMessageContaining("fsync");
            assertThat(ruok(port)).as("ruok after the failure").isNotEqualTo("imok");
            // a new client gets no session from a failed server
            ZooKeeper late = new ZooKeeper(meerkat.connectString(), 30_000, e -> { });
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !late.getState().isConnected());
            late.close();
            zk.close();
        } finally {
            meerkat.close();
        }
        try (Meerkat again = Meerkat.embedded(data); ZooKeeper zk = Clients.connect(again.connectString())) {
            for (String path : acked) assertThat(zk.exists(path, false)).as(path + " was acknowledged").isNotNull();
        }
    }

    @Test
    void theStandaloneProcessExitsNonZeroAndKeepsWhatItAcknowledged(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), "tickTime=2000\n");
        Path logback = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder></appender>
                  <logger name="net.openhft" level="WARN"/>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
        Path data = dir.resolve("data");
        List<String> acked;
        try (MeerkatProcess server = MeerkatProcess.start("failing-disk", dir, data, cfg, logback,
                List.of("-Xmx128m", "-Dmeerkat.fault.logSyncFailsAfter=60"))) {
            int port = server.awaitReady(Duration.ofSeconds(60));
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> { });
            await().atMost(Duration.ofSeconds(15)).until(() -> zk.getState().isConnected());
            acked = writeUntilFailure(zk);
            assertThat(server.exitCode(Duration.ofSeconds(30))).as("exit code of a server whose disk failed").isEqualTo(1);
            assertThat(server.stderr()).contains("stopped on an error").contains("fsync");
            zk.close();
        }
        assertThat(acked).isNotEmpty();
        try (MeerkatProcess again = MeerkatProcess.start("after-repair", dir, data, cfg, logback, List.of("-Xmx128m"))) {
            int port = again.awaitReady(Duration.ofSeconds(60));
            try (ZooKeeper zk = Clients.connect("127.0.0.1:" + port)) {
                for (String path : acked) assertThat(zk.exists(path, false)).as(path + " was acknowledged").isNotNull();
            }
        }
    }
}
