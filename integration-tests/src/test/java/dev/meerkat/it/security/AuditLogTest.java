package dev.meerkat.it.security;

import ch.qos.logback.classic.Level;
import dev.meerkat.it.hardening.Clients;
import dev.meerkat.it.hardening.LogCapture;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.config.ZooCfgParser;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** audit.enable: one line per write and authentication, in ZooKeeper's format, on ZooKeeper's audit logger. */
class AuditLogTest {

    @Test
    void writesAndAuthenticationsAreAuditedInZooKeepersFormat(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), "clientPortAddress=127.0.0.1\naudit.enable=true\n");
        ServerConfig c = new ZooCfgParser().parse(cfg).withClientPort(0).withDataDir(null);
        try (LogCapture audit = new LogCapture("org.apache.zookeeper.audit.Slf4jAuditLogger", Level.INFO);
             Meerkat m = Meerkat.start(c)) {
            String session;
            try (ZooKeeper zk = Clients.connect(m.connectString())) {
                session = "0x" + Long.toHexString(zk.getSessionId());
                zk.addAuthInfo("digest", "alice:secret".getBytes());
                zk.create("/audited", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.create("/audited/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                zk.setData("/audited", "y".getBytes(), -1);
                assertThatThrownBy(() -> zk.delete("/missing", -1)).isInstanceOf(KeeperException.NoNodeException.class);
                zk.setACL("/audited", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
                zk.multi(List.of(Op.create("/m1", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.setData("/m1", "z".getBytes(), -1)));
                zk.getData("/audited", false, null); // reads are not audited
            }
            try (org.apache.zookeeper.admin.ZooKeeperAdmin admin = new org.apache.zookeeper.admin.ZooKeeperAdmin(m.connectString(), 30_000, e -> { })) {
                // A standalone server refuses reconfig (RECONFIG_DISABLED); the refusal is audited as ZooKeeper audits it.
                assertThatThrownBy(() -> admin.reconfigure(null, "2", null, -1, null)).isInstanceOf(KeeperException.class);
            }
            String prefix = "session=" + session + "\tuser=127.0.0.1,alice\tip=127.0.0.1\t";
            await().atMost(Duration.ofSeconds(10)).until(() -> audit.messages().stream().anyMatch(l -> l.contains("ephemeralZNode")));
            assertThat(audit.messages()).contains(
                    "session=" + session + "\tuser=127.0.0.1,alice\tip=127.0.0.1\toperation=addAuth\tznode_type=digest\tresult=success",
                    prefix + "operation=create\tznode=/audited\tznode_type=persistent\tresult=success",
                    prefix + "operation=create\tznode=/audited/e\tznode_type=ephemeral\tresult=success",
                    prefix + "operation=setData\tznode=/audited\tresult=success",
                    prefix + "operation=delete\tznode=/missing\tresult=failure",
                    prefix + "operation=setAcl\tznode=/audited\tacl=world:anyone:cdrwa\tresult=success",
                    prefix + "operation=create\tznode=/m1\tznode_type=persistent\tresult=success",
                    prefix + "operation=setData\tznode=/m1\tresult=success");
            assertThat(audit.messages()).anyMatch(l -> l.endsWith("\tip=127.0.0.1\toperation=reconfig\tresult=failure"));
            assertThat(audit.messages()).anyMatch(l -> l.startsWith("session=" + session) && l.contains("operation=ephemeralZNodeDeletionOnSessionCloseOrExpire\tznode=/audited/e\tresult=success"));
            assertThat(audit.messages()).noneMatch(l -> l.contains("getData"));
            assertThat(audit.events).filteredOn(e -> e.getFormattedMessage().contains("result=failure"))
                    .allMatch(e -> e.getLevel() == Level.ERROR);
        }
    }
}
