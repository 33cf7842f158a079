package dev.meerkat.it.security;

import dev.meerkat.it.hardening.Clients;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.config.ZooCfgParser;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ClientInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the client port, configured with ZooKeeper's keys, used by the official client's Netty
 * socket: PEM, PKCS12 and JKS stores; ssl.clientAuth=need refuses a client without a trusted
 * certificate; a client certificate is an x509 identity; plain and TLS ports side by side; a
 * certificate rotated on disk is used for the next connection.
 */
class TlsClientPortTest {
    @TempDir
    static Path dir;
    static TestCa ca;
    static TestCa other;
    static TestCa.Issued server;
    static TestCa.Issued alice;

    @BeforeAll
    static void certificates() throws Exception {
        ca = new TestCa("Meerkat Test CA");
        other = new TestCa("Someone Else's CA");
        server = ca.issue("meerkat-server");
        alice = ca.issue("alice");
    }

    private static Meerkat start(String extra) throws Exception {
        Path cfg = Files.writeString(dir.resolve("zoo-" + System.nanoTime() + ".cfg"), """
                clientPortAddress=127.0.0.1
                secureClientPort=0
                serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
                ssl.clientAuth=need
                """ + extra);
        ServerConfig c = new ZooCfgParser().parse(cfg).withClientPort(0).withDataDir(null);
        return Meerkat.start(c);
    }

    private static ZooKeeper tls(Meerkat m, ZKClientConfig c) throws Exception {
        return Clients.connect(m.secureConnectString(), c);
    }

    private static boolean connects(String cs, ZKClientConfig c, Duration within) throws Exception {
        try (ZooKeeper zk = new ZooKeeper(cs, 10_000, e -> { }, c)) {
            try {
                await().atMost(within).until(() -> zk.getState().isConnected());
                return true;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return false;
            }
        }
    }

    @Test
    void pemStoresWithTheNettyClientAndTheCertificateAsX509Identity() throws Exception {
        Path key = server.pem(dir.resolve("server.pem"));
        Path trust = ca.trustPem(dir.resolve("trust.pem"));
        Path aliceP12 = alice.store(dir.resolve("alice.p12"), "PKCS12");
        Path clientTrust = ca.trustStore(dir.resolve("client-trust.p12"), "PKCS12");
        try (Meerkat m = start("ssl.keyStore.location=" + key + "\nssl.trustStore.location=" + trust + "\n");
             ZooKeeper zk = tls(m, TlsClients.config(aliceP12, "PKCS12", clientTrust, "PKCS12"));
             ZooKeeper plain = Clients.connect(m.connectString())) {
            zk.create("/tls", "over tls".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(plain.getData("/tls", false, null)).as("the plain port, side by side").isEqualTo("over tls".getBytes());
            List<ClientInfo> who = zk.whoAmI();
            assertThat(who).extracting(ClientInfo::getAuthScheme).contains("ip", "x509");
            assertThat(who).filteredOn(i -> i.getAuthScheme().equals("x509")).extracting(ClientInfo::getUser)
                    .containsExactly(alice.subject());
            assertThat(plain.whoAmI()).extracting(ClientInfo::getAuthScheme).containsExactly("ip");
            assertThat(m.securePort()).isNotEqualTo(m.port());
        }
    }

    @Test
    void pkcs12AndJksServerStores() throws Exception {
        Path clientTrust = ca.trustStore(dir.resolve("client-trust.jks"), "JKS");
        Path aliceJks = alice.store(dir.resolve("alice.jks"), "JKS");
        for (String type : List.of("PKCS12", "JKS")) {
            Path key = server.store(dir.resolve("server." + type.toLowerCase()), type);
            Path trust = ca.trustStore(dir.resolve("trust." + type.toLowerCase()), type);
            try (Meerkat m = start("ssl.keyStore.location=" + key + "\nssl.keyStore.password=" + TestCa.PASSWORD
                    + "\nssl.keyStore.type=" + type + "\nssl.trustStore.location=" + trust + "\nssl.trustStore.password=" + TestCa.PASSWORD + "\nssl.trustStore.type=" + type + "\n");
                 ZooKeeper zk = tls(m, TlsClients.config(aliceJks, "JKS", clientTrust, "JKS"))) {
                assertThat(zk.exists("/", false)).as(type).isNotNull();
            }
        }
    }

    @Test
    void aClientWithoutATrustedCertificateIsRefusedUnderClientAuthNeed() throws Exception {
        Path key = server.pem(dir.resolve("server-need.pem"));
        Path trust = ca.trustPem(dir.resolve("trust-need.pem"));
        Path clientTrust = ca.trustStore(dir.resolve("client-trust-need.p12"), "PKCS12");
        Path stranger = other.issue("mallory").store(dir.resolve("mallory.p12"), "PKCS12");
        try (Meerkat m = start("ssl.keyStore.location=" + key + "\nssl.trustStore.location=" + trust + "\n")) {
            assertThat(connects(m.secureConnectString(), TlsClients.config(null, null, clientTrust, "PKCS12"), Duration.ofSeconds(4)))
                    .as("no certificate").isFalse();
            assertThat(connects(m.secureConnectString(), TlsClients.config(stranger, "PKCS12", clientTrust, "PKCS12"), Duration.ofSeconds(4)))
                    .as("a certificate from a CA the server does not trust").isFalse();
            assertThat(m.clientMetrics().tlsHandshakeFailures()).isPositive();
            assertThat(connects(m.secureConnectString(), TlsClients.config(alice.store(dir.resolve("alice-need.p12"), "PKCS12"), "PKCS12",
                    clientTrust, "PKCS12"), Duration.ofSeconds(15))).as("a trusted certificate").isTrue();
        }
    }

    @Test
    void aCertificateRotatedOnDiskIsUsedForTheNextConnection() throws Exception {
        TestCa newCa = new TestCa("Next Year's CA");
        Path key = server.pem(dir.resolve("rotating.pem"));
        Path trust = ca.trustPem(dir.resolve("trust-rotating.pem"), newCa);
        Path aliceP12 = alice.store(dir.resolve("alice-rot.p12"), "PKCS12");
        Path trustsOld = ca.trustStore(dir.resolve("trusts-old.p12"), "PKCS12");
        Path trustsNew = newCa.trustStore(dir.resolve("trusts-new.p12"), "PKCS12");
        try (Meerkat m = start("ssl.keyStore.location=" + key + "\nssl.trustStore.location=" + trust + "\nmeerkat.tls.reloadCheckMs=200\n");
             ZooKeeper before = tls(m, TlsClients.config(aliceP12, "PKCS12", trustsOld, "PKCS12"))) {
            assertThat(connects(m.secureConnectString(), TlsClients.config(aliceP12, "PKCS12", trustsNew, "PKCS12"), Duration.ofSeconds(3)))
                    .as("the new CA's clients do not trust the old certificate").isFalse();
            Path next = newCa.issue("meerkat-server").pem(dir.resolve("rotating.next"));
            Files.move(next, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(connects(m.secureConnectString(), TlsClients.config(aliceP12, "PKCS12", trustsNew, "PKCS12"), Duration.ofSeconds(20)))
                    .as("after the rotation, without a restart").isTrue();
            assertThat(before.exists("/", false)).as("a connection made before the rotation stays").isNotNull();
        }
    }
}
