package dev.meerkat.it.crash;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM (Ctrl-C, an init system) stops a Meerkat process cleanly: it exits promptly, releases its data directory, loses nothing. */
class GracefulShutdownTest {

    @Test
    void sigtermStopsCleanlyAndTheDataDirectoryIsReusableAtOnce(@TempDir Path work) throws Exception {
        Path data = work.resolve("data");
        Path logs = Files.createDirectories(Path.of("target", "shutdown"));
        Path logback = Files.writeString(work.resolve("logback.xml"), """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder></appender>
                  <logger name="net.openhft" level="WARN"/>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
        try (MeerkatProcess server = MeerkatProcess.start("sigterm-1", logs, data, null, logback)) {
            int port = server.awaitReady(Duration.ofSeconds(60));
            ZooKeeper zk = connect(port);
            zk.create("/kept", "before-sigterm".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.close();

            int exit = server.terminate(Duration.ofSeconds(20));
            // A JVM ended by SIGTERM reports 128 + 15 once its shutdown hooks have run.
            assertThat(exit).isEqualTo(143);
            String log = Files.readString(server.stderrFile());
            assertThat(log).contains("shutting down").doesNotContain("stopped on an unexpected error");
        }
        try (MeerkatProcess again = MeerkatProcess.start("sigterm-2", logs, data, null, logback)) {
            int port = again.awaitReady(Duration.ofSeconds(60));
            ZooKeeper zk = connect(port);
            assertThat(new String(zk.getData("/kept", false, null))).isEqualTo("before-sigterm");
            zk.close();
        }
    }

    private static ZooKeeper connect(int port) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
        });
        assertThat(up.await(20, TimeUnit.SECONDS)).isTrue();
        return zk;
    }
}
