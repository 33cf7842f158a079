package dev.meerkat.it.cluster;

import dev.meerkat.it.hardening.Clients;
import dev.meerkat.it.security.TestCa;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * sslQuorum with reconfig: a server that joins by reconfig is not in the configuration the others
 * started with, yet its TLS links are accepted (its certificate checked against the address it
 * connects from until the configuration names it), so it catches up, becomes a participant and
 * serves what the ensemble wrote.
 */
class QuorumTlsReconfigTest {
    @TempDir
    Path dir;

    @Test
    void aServerJoinsATlsEnsembleByReconfig() throws Exception {
        TestCa ca = new TestCa("Quorum CA");
        Path key = ca.issue("quorum-member").store(dir.resolve("quorum.p12"), "PKCS12");
        Path trust = ca.trustStore(dir.resolve("quorum-trust.p12"), "PKCS12");
        List<String> config = List.of(ReconfigTest.SUPER,
                "sslQuorum=true",
                "ssl.quorum.keyStore.location=" + key.toAbsolutePath(),
                "ssl.quorum.keyStore.password=" + TestCa.PASSWORD,
                "ssl.quorum.trustStore.location=" + trust.toAbsolutePath(),
                "ssl.quorum.trustStore.password=" + TestCa.PASSWORD);
        try (ReconfigurableEnsemble e = ReconfigurableEnsemble.start(RunDirs.fresh("reconfig-tls"), config, 1, 2, 3);
             ZooKeeperAdmin z = ReconfigTest.admin(e.connectString(1, 2, 3))) {
            z.create("/before-join", "tls".getBytes(StandardCharsets.US_ASCII), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<String> lines = ReconfigTest.lines(new String(z.getConfig(false, null), StandardCharsets.UTF_8));
            String line = e.serverLine(4, false);
            lines.add(line);
            e.join(4, lines);
            String after = new String(z.reconfigure(line, null, null, -1, new Stat()), StandardCharsets.UTF_8);
            assertThat(ReconfigTest.members(after)).containsEntry(4, "participant");
            e.awaitServing(Duration.ofSeconds(60), 1, 2, 3, 4);
            try (ZooKeeper joined = Clients.connect(e.connectString(4))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> joined.exists("/before-join", false) != null);
                joined.create("/after-join", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            assertThat(z.exists("/after-join", false)).isNotNull();
        }
    }
}
