package dev.meerkat.it.security;

import dev.meerkat.it.hardening.Clients;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.SecurityConfig;
import dev.meerkat.server.config.ServerConfig;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SASL GSSAPI (Kerberos) against an in-process KDC (Apache Kerby's SimpleKdcServer), with the
 * official client: the server logs in from its JAAS Server section (Krb5LoginModule and a keytab),
 * clients authenticate with theirs, their identity follows ZooKeeper's principal rules
 * (kerberos.removeHostFromPrincipal here), and sasl ACLs on it grant and deny.
 */
class KerberosTest {
    private static final String REALM = "EXAMPLE.COM";
    @TempDir
    static Path dir;
    static SimpleKdcServer kdc;
    static Jaas jaas;
    static String previousKrb5;

    @BeforeAll
    static void kdc() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        kdc = new SimpleKdcServer();
        kdc.setWorkDir(dir.toFile());
        kdc.setKdcRealm(REALM);
        kdc.setKdcHost("localhost");
        kdc.setAllowUdp(false);
        kdc.setKdcTcpPort(port);
        kdc.init();
        kdc.start();
        File serverKeytab = dir.resolve("zookeeper.keytab").toFile();
        File clientKeytab = dir.resolve("client.keytab").toFile();
        File hostKeytab = dir.resolve("kafka.keytab").toFile();
        kdc.createPrincipal("zookeeper/localhost@" + REALM, "server-secret");
        kdc.exportPrincipal("zookeeper/localhost@" + REALM, serverKeytab);
        kdc.createPrincipal("client@" + REALM, "client-secret");
        kdc.exportPrincipal("client@" + REALM, clientKeytab);
        kdc.createPrincipal("kafka/localhost@" + REALM, "kafka-secret");
        kdc.exportPrincipal("kafka/localhost@" + REALM, hostKeytab);
        previousKrb5 = System.setProperty("java.security.krb5.conf", dir.resolve("krb5.conf").toString());
        String krb5 = "com.sun.security.auth.module.Krb5LoginModule";
        jaas = new Jaas()
                .section("Server", krb5, Map.of("useKeyTab", "true", "keyTab", serverKeytab.getAbsolutePath(), "storeKey", "true",
                        "useTicketCache", "false", "isInitiator", "false", "principal", "zookeeper/localhost@" + REALM))
                .section("Client-krb", krb5, Map.of("useKeyTab", "true", "keyTab", clientKeytab.getAbsolutePath(), "storeKey", "true",
                        "useTicketCache", "false", "principal", "client@" + REALM))
                .section("Client-kafka", krb5, Map.of("useKeyTab", "true", "keyTab", hostKeytab.getAbsolutePath(), "storeKey", "true",
                        "useTicketCache", "false", "principal", "kafka/localhost@" + REALM));
    }

    @AfterAll
    static void stop() throws Exception {
        if (jaas != null) jaas.close();
        if (kdc != null) kdc.stop();
        if (previousKrb5 == null) System.clearProperty("java.security.krb5.conf");
        else System.setProperty("java.security.krb5.conf", previousKrb5);
    }

    private static ZooKeeper kerberos(Meerkat m, String section) throws Exception {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        c.setProperty("zookeeper.sasl.client.canonicalize.hostname", "false");
        LinkedBlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper zk = new ZooKeeper("localhost:" + m.port(), 15_000, e -> {
            if (e.getType() == Watcher.Event.EventType.None) states.add(e.getState());
        }, c);
        while (true) {
            Watcher.Event.KeeperState s = states.poll(30, TimeUnit.SECONDS);
            if (s == null || s == Watcher.Event.KeeperState.AuthFailed) {
                zk.close();
                throw new AssertionError(section + ": no Kerberos authentication (" + s + ")");
            }
            if (s == Watcher.Event.KeeperState.SaslAuthenticated) return zk;
        }
    }

    private static String sasl(ZooKeeper zk) throws Exception {
        return zk.whoAmI().stream().filter(i -> i.getAuthScheme().equals("sasl")).map(ClientInfo::getUser).findFirst().orElse(null);
    }

    @Test
    void kerberosClientsAuthenticateAndTheirPrincipalsFollowZooKeepersRules() throws Exception {
        ServerConfig c = ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(null);
        SecurityConfig.Builder b = c.security().toBuilder();
        b.removeHostFromPrincipal = true;
        try (Meerkat m = Meerkat.start(c.withSecurity(b.build()));
             ZooKeeper client = kerberos(m, "Client-krb");
             ZooKeeper kafka = kerberos(m, "Client-kafka");
             ZooKeeper anonymous = Clients.connect(m.connectString())) {
            assertThat(sasl(client)).isEqualTo("client@" + REALM);
            assertThat(sasl(kafka)).as("kerberos.removeHostFromPrincipal").isEqualTo("kafka@" + REALM);
            client.create("/krb", "k".getBytes(), Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "client@" + REALM)),
                    new ACL(ZooDefs.Perms.READ, new Id("world", "anyone"))), CreateMode.PERSISTENT);
            client.setData("/krb", "k2".getBytes(), -1);
            assertThatThrownBy(() -> kafka.setData("/krb", "x".getBytes(), -1)).isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> anonymous.setData("/krb", "x".getBytes(), -1)).isInstanceOf(KeeperException.NoAuthException.class);
            assertThat(anonymous.getData("/krb", false, null)).isEqualTo("k2".getBytes());
            kafka.create("/kafka-own", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            List<ACL> acl = kafka.getACL("/kafka-own", null);
            assertThat(acl).extracting(a -> a.getId().getScheme() + ":" + a.getId().getId()).containsExactly("sasl:kafka@" + REALM);
        }
    }
}
