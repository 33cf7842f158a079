package dev.meerkat.it.hardening;

import dev.meerkat.it.crash.MeerkatProcess;
import dev.meerkat.wire.proto.OpCode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that pipelines big reads and never reads the replies must not take the server down: the
 * probe that used to fill a 512 MB heap (2,000 getData of a 500 KB znode; 300 getChildren of
 * 200,000 children, from a socket with a 4 KB receive buffer) runs against a server with a 200 MB
 * heap. The server stays up, ruok says imok, a well-behaved client keeps its latency, and the
 * misbehaving client is disconnected once it owes more than meerkat.maxOutboundBytes.
 */
class SlowReaderTest {
    private static final String LOGBACK = """
            <configuration>
              <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <logger name="net.openhft" level="WARN"/>
              <root level="INFO"><appender-ref ref="STDERR"/></root>
            </configuration>
            """;

    @TempDir
    static Path dir;
    static MeerkatProcess server;
    static int port;
    static ZooKeeper good;

    @BeforeAll
    static void start() throws Exception {
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), """
                tickTime=2000
                snapCount=5000000
                4lw.commands.whitelist=ruok,mntr
                meerkat.maxOutboundBytes=8388608
                meerkat.outboundStallMs=2000
                """);
        Path logback = Files.writeString(dir.resolve("logback.xml"), LOGBACK);
        server = MeerkatProcess.start("slow-reader-server", dir, dir.resolve("data"), cfg, logback,
                List.of("-Xmx200m", "-XX:+ExitOnOutOfMemoryError"));
        port = server.awaitReady(Duration.ofSeconds(60));
        ZKClientConfig big = new ZKClientConfig();
        big.setProperty("jute.maxbuffer", String.valueOf(8 << 20));
        good = Clients.connect("127.0.0.1:" + port, big);
        good.create("/big", new byte[500 * 1024], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        good.create("/wide", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int batch = 0; batch < 200; batch++) {
            List<Op> ops = new ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) ops.add(Op.create(String.format("/wide/c-%07d", batch * 1000 + i), null,
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            good.multi(ops);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (good != null) good.close();
        if (server != null) server.close();
    }

    private static String ruok() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ruok".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void attack(int requests, int opcode, String path, String what) throws Exception {
        int before = countDisconnects();
        try (Raw slow = new Raw(port, 4096)) {
            slow.connect();
            slow.pipeline(requests, opcode, o -> o.writeString(path).writeBool(false));
            // While it sits there owing replies, everyone else is served as usual.
            long[] ms = Clients.latencies(good, 100);
            // Median and 90th percentile: one scheduling hiccup of a loaded machine is not the server's doing.
            assertThat(ms[ms.length / 2]).as(what + ": the well-behaved client's median, ms, of " + java.util.Arrays.toString(ms)).isLessThan(100);
            assertThat(ms[ms.length * 9 / 10]).as(what + ": the well-behaved client's p90, ms, of " + java.util.Arrays.toString(ms)).isLessThan(1000);
            assertThat(ruok()).isEqualTo("imok");
            await(what + ": the server disconnects the client that stopped reading").atMost(Duration.ofSeconds(60))
                    .until(() -> countDisconnects() > before);
            assertThat(slow.closedByServer()).isTrue();
        }
        assertThat(server.isAlive()).isTrue();
        assertThat(ruok()).isEqualTo("imok");
        assertThat(good.exists("/big", false)).isNotNull();
        assertThat(server.stderr()).doesNotContain("OutOfMemoryError").contains("it has stopped reading");
    }

    private static String mntr() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("mntr".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** The server's count of clients it cut off for not reading (from mntr, asked without half-closing). */
    private static int countDisconnects() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("mntr".getBytes(StandardCharsets.US_ASCII));
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : text.split("\n")) {
                if (line.startsWith("zk_meerkat_outbound_limit_disconnects\t")) return Integer.parseInt(line.split("\t")[1].trim());
            }
            throw new AssertionError("mntr has no zk_meerkat_outbound_limit_disconnects:\n" + text + "\nserver log:\n" + server.stderrTail(6000));
        }
    }

    @Test
    void pipelinedBigGetDataFromAClientThatNeverReads() throws Exception {
        attack(2000, OpCode.GET_DATA, "/big", "2000 getData of 500 KB");
    }

    @Test
    void pipelinedGetChildrenOfTwoHundredThousandFromAClientThatNeverReads() throws Exception {
        attack(300, OpCode.GET_CHILDREN, "/wide", "300 getChildren of 200,000");
    }

    @Test
    void aClientThatReadsSlowlyButReadsGetsEveryReply() throws Exception {
        try (Raw patient = new Raw(port, 4096)) {
            patient.connect();
            patient.pipeline(200, OpCode.GET_DATA, o -> o.writeString("/big").writeBool(false));
            int got;
            try {
                got = patient.readReplies(200);
            } catch (IOException e) {
                throw new AssertionError("server log:\n" + server.stderrTail(6000) + "\nmntr:\n" + mntr(), e);
            }
            assertThat(got).as("a slow but steady reader is never cut off; server log:\n" + server.stderrTail(4000)).isEqualTo(200);
        }
    }
}
