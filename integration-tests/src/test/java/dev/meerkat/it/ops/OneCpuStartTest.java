package dev.meerkat.it.ops;

import dev.meerkat.it.crash.MeerkatProcess;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server on one CPU (a container's share, {@code taskset -c 0}) starts what can wait (the
 * AdminServer's Vert.x, the meter registry) only once its client port serves, a path no test on
 * this two-CPU machine takes otherwise: once ready it has everything a server on more CPUs has, the
 * clients, the AdminServer's commands, the metrics, the Kafka view.
 */
class OneCpuStartTest {
    private static final Pattern ADMIN_PORT = Pattern.compile("MEERKAT_READY port=\\d+.* adminPort=(\\d+)");

    @Test
    void servesClientsThenTheAdminServerMetricsAndKafkaView(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), """
                tickTime=2000
                4lw.commands.whitelist=*
                admin.serverAddress=127.0.0.1
                admin.serverPort=0
                """);
        Path logback = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder></appender>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
        try (MeerkatProcess server = MeerkatProcess.start("one-cpu", dir, dir.resolve("data"), cfg, logback,
                List.of("-Xmx128m", "-XX:ActiveProcessorCount=1"))) {
            int port = server.awaitReady(Duration.ofSeconds(60));
            Matcher m = ADMIN_PORT.matcher(Files.readString(server.stdoutFile(), StandardCharsets.UTF_8));
            assertThat(m.find()).as("the READY line names the AdminServer's port").isTrue();
            String admin = "http://127.0.0.1:" + m.group(1);

            assertThat(FourLetterClient.ask(port, "ruok", false)).isEqualTo("imok");
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> { });
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> zk.getState().isConnected());
                zk.create("/one-cpu", "x".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThat(new String(zk.getData("/one-cpu", false, null), StandardCharsets.UTF_8)).isEqualTo("x");
            } finally {
                zk.close();
            }

            HttpResponse<String> ruok = Http.get(admin + "/commands/ruok");
            assertThat(ruok.statusCode()).isEqualTo(200);
            assertThat(ruok.body()).contains("\"command\"").contains("ruok");
            HttpResponse<String> metrics = Http.get(admin + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("znode_count");
            HttpResponse<String> clusters = Http.get(admin + "/api/kafka/clusters");
            assertThat(clusters.statusCode()).isEqualTo(200);
            assertThat(clusters.body()).startsWith("[");

        }
    }
}
