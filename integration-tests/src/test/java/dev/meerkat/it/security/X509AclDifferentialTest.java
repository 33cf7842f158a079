package dev.meerkat.it.security;

import dev.meerkat.it.hardening.Clients;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.config.ZooCfgParser;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client certificate's subject as an identity in ACLs (the x509 scheme), granting and denying as
 * on Apache ZooKeeper 3.9.5 configured the same way (NettyServerCnxnFactory, secureClientPort,
 * ssl.clientAuth=need, X509AuthenticationProvider), with the same certificates.
 */
class X509AclDifferentialTest {
    @TempDir
    static Path dir;
    static Path serverKey;
    static Path trust;
    static Path aliceKey;
    static Path bobKey;
    static String alice;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa ca = new TestCa("Differential CA");
        serverKey = ca.issue("server").store(dir.resolve("server.p12"), "PKCS12");
        trust = ca.trustStore(dir.resolve("trust.p12"), "PKCS12");
        TestCa.Issued a = ca.issue("alice");
        alice = a.subject();
        aliceKey = a.store(dir.resolve("alice.p12"), "PKCS12");
        bobKey = ca.issue("bob").store(dir.resolve("bob.p12"), "PKCS12");
    }

    private static Map<String, String> tlsKeys() {
        return Map.of("ssl.keyStore.location", serverKey.toString(), "ssl.keyStore.password", TestCa.PASSWORD,
                "ssl.trustStore.location", trust.toString(), "ssl.trustStore.password", TestCa.PASSWORD, "ssl.clientAuth", "need");
    }

    private static String op(SaslDigestDifferentialTest.Call c) {
        try {
            return String.valueOf(c.call());
        } catch (KeeperException e) {
            return "ERR " + e.code();
        } catch (Exception e) {
            return "EXCEPTION " + e.getClass().getSimpleName();
        }
    }

    private static List<String> scenario(String secure) throws Exception {
        List<String> t = new ArrayList<>();
        try (ZooKeeper a = Clients.connect(secure, TlsClients.config(aliceKey, "PKCS12", trust, "PKCS12"));
             ZooKeeper b = Clients.connect(secure, TlsClients.config(bobKey, "PKCS12", trust, "PKCS12"))) {
            List<String> who = new ArrayList<>();
            for (ClientInfo i : a.whoAmI()) if (!i.getAuthScheme().equals("ip")) who.add(i.getAuthScheme() + ":" + i.getUser());
            t.add("alice whoAmI: " + who);
            t.add("alice creates: " + op(() -> a.create("/x509", "a".getBytes(), Arrays.asList(
                    new ACL(ZooDefs.Perms.ALL, new Id("x509", alice)), new ACL(ZooDefs.Perms.READ, new Id("world", "anyone"))), CreateMode.PERSISTENT)));
            t.add("bob reads: " + op(() -> new String(b.getData("/x509", false, null))));
            t.add("bob writes: " + op(() -> b.setData("/x509", "b".getBytes(), -1).getVersion()));
            t.add("bob deletes a child: " + op(() -> b.create("/x509/child", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
            t.add("alice writes: " + op(() -> a.setData("/x509", "a2".getBytes(), -1).getVersion()));
            t.add("alice CREATOR_ALL: " + op(() -> a.create("/x509/mine", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
            t.add("its ACL: " + op(() -> a.getACL("/x509/mine", null)));
            t.add("bob reads it: " + op(() -> b.getData("/x509/mine", false, null)));
            t.add("alice cleans up: " + op(() -> { a.delete("/x509/mine", -1); a.delete("/x509", -1); return "done"; }));
        }
        return t;
    }

    @Test
    void x509IdentitiesGrantAndDenyAsOnZooKeeper() throws Exception {
        java.util.HashMap<String, String> zkCfg = new java.util.HashMap<>(tlsKeys());
        zkCfg.put("secureClientPort", "0");
        zkCfg.put("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        zkCfg.put("authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        List<String> onZk;
        try (SecureReferenceZooKeeper zk = new SecureReferenceZooKeeper(zkCfg, Map.of())) {
            onZk = scenario(zk.secureConnectString());
        }
        StringBuilder cfg = new StringBuilder("clientPortAddress=127.0.0.1\nsecureClientPort=0\n"
                + "authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider\n");
        tlsKeys().forEach((k, v) -> cfg.append(k).append('=').append(v).append('\n'));
        ServerConfig c = new ZooCfgParser().parse(Files.writeString(dir.resolve("zoo.cfg"), cfg)).withClientPort(0).withDataDir(null);
        List<String> onMeerkat;
        try (Meerkat m = Meerkat.start(c)) {
            onMeerkat = scenario(m.secureConnectString());
        }
        assertThat(String.join("\n", onMeerkat)).as("Meerkat (actual) vs ZooKeeper 3.9.5 (expected)").isEqualTo(String.join("\n", onZk));
        assertThat(onZk).contains("bob writes: ERR NOAUTH", "alice writes: 1");
    }
}
