package dev.meerkat.it.security;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.SecurityConfig;
import dev.meerkat.server.config.ServerConfig;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SASL DIGEST-MD5 as ZooKeeper does it, against Apache ZooKeeper 3.9.5 configured the same way (a
 * JAAS Server section with user_ entries, SASLAuthenticationProvider, superUser): right and wrong
 * passwords, sasl ACLs, CREATOR_ALL with a SASL identity, whoAmI, the super user, and
 * enforce.auth.enabled refusing unauthenticated sessions with SESSION_CLOSED_REQUIRE_SASL_AUTH.
 */
class SaslDigestDifferentialTest {
    private static Jaas jaas;

    @BeforeAll
    static void jaas() {
        jaas = new Jaas()
                .digestServer("Server", Map.of("super", "admin-secret", "bob", "bob-secret", "carol", "carol-secret"))
                .digestClient("Client-bob", "bob", "bob-secret")
                .digestClient("Client-carol", "carol", "carol-secret")
                .digestClient("Client-super", "super", "admin-secret")
                .digestClient("Client-wrong", "bob", "not-bobs-password")
                .digestClient("Client-nobody", "nobody", "whatever");
    }

    @AfterAll
    static void restore() {
        if (jaas != null) jaas.close();
    }

    private static Meerkat meerkat(boolean enforce) {
        ServerConfig c = ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(null);
        SecurityConfig.Builder b = c.security().toBuilder();
        b.superUser = "super";
        b.enforceAuth = enforce;
        b.enforceSchemes = Set.of("sasl");
        return Meerkat.start(c.withSecurity(b.build()));
    }

    private static SecureReferenceZooKeeper zooKeeper(boolean enforce) throws Exception {
        java.util.HashMap<String, String> cfg = new java.util.HashMap<>(Map.of(
                "authProvider.1", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider", "superUser", "super"));
        if (enforce) {
            cfg.put("enforce.auth.enabled", "true");
            cfg.put("enforce.auth.schemes", "sasl");
        }
        return new SecureReferenceZooKeeper(cfg, Map.of("zookeeper.fips-mode", "false"));
    }

    /** A client that authenticates with JAAS section {@code section} (null: no SASL); records its states. */
    private static ZooKeeper client(String cs, String section, LinkedBlockingQueue<String> states) throws Exception {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty("zookeeper.fips-mode", "false");
        if (section == null) c.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        else c.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        return new ZooKeeper(cs, 15_000, e -> {
            if (e.getType() == Watcher.Event.EventType.None) states.add(e.getState().toString());
        }, c);
    }

    /** Waits for the first state that settles the connection: SyncConnected after SASL, or AuthFailed. */
    private static String settled(LinkedBlockingQueue<String> states, boolean sasl) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        while (true) {
            String s = states.poll(15, TimeUnit.SECONDS);
            if (s == null) return "timeout " + seen;
            seen.add(s);
            if (s.equals("AuthFailed") || s.equals("SaslAuthenticated") || (!sasl && s.equals("SyncConnected"))) return s;
        }
    }

    private static String op(Call c) {
        try {
            return String.valueOf(c.call());
        } catch (KeeperException e) {
            return "ERR " + e.code();
        } catch (Exception e) {
            return "EXCEPTION " + e.getClass().getSimpleName();
        }
    }

    public interface Call {
        Object call() throws Exception;
    }

    private static String who(ZooKeeper zk) throws Exception {
        List<String> out = new ArrayList<>();
        for (ClientInfo i : zk.whoAmI()) out.add(i.getAuthScheme() + (i.getAuthScheme().equals("ip") ? "" : ":" + i.getUser()));
        out.sort(null);
        return out.toString();
    }

    private static List<String> scenario(String cs) throws Exception {
        List<String> t = new ArrayList<>();
        LinkedBlockingQueue<String> bobStates = new LinkedBlockingQueue<>();
        try (ZooKeeper bob = client(cs, "Client-bob", bobStates)) {
            t.add("bob: " + settled(bobStates, true));
            t.add("bob whoAmI: " + who(bob));
            t.add("bob creates with sasl:bob: " + op(() -> bob.create("/sasl", "b".getBytes(),
                    java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "bob")), new ACL(ZooDefs.Perms.READ, new Id("world", "anyone"))),
                    CreateMode.PERSISTENT)));
            t.add("bob creates with CREATOR_ALL: " + op(() -> bob.create("/creator", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
            t.add("ACL of /creator: " + op(() -> bob.getACL("/creator", null)));
            t.add("bob sets: " + op(() -> bob.setData("/sasl", "b2".getBytes(), -1).getVersion()));
            t.add("an invalid sasl id: " + op(() -> bob.create("/bad", null,
                    java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "a/b/c@R"))), CreateMode.PERSISTENT)));
            LinkedBlockingQueue<String> carolStates = new LinkedBlockingQueue<>();
            try (ZooKeeper carol = client(cs, "Client-carol", carolStates)) {
                t.add("carol: " + settled(carolStates, true));
                t.add("carol sets: " + op(() -> carol.setData("/sasl", "c".getBytes(), -1).getVersion()));
                t.add("carol reads: " + op(() -> new String(carol.getData("/sasl", false, null))));
                t.add("carol reads /creator: " + op(() -> carol.getData("/creator", false, null)));
            }
            LinkedBlockingQueue<String> anonStates = new LinkedBlockingQueue<>();
            try (ZooKeeper anon = client(cs, null, anonStates)) {
                t.add("anonymous: " + settled(anonStates, false));
                t.add("anonymous whoAmI: " + who(anon));
                t.add("anonymous sets: " + op(() -> anon.setData("/sasl", "x".getBytes(), -1).getVersion()));
                t.add("anonymous deletes: " + op(() -> { anon.delete("/creator", -1); return "deleted"; }));
            }
            LinkedBlockingQueue<String> superStates = new LinkedBlockingQueue<>();
            try (ZooKeeper sup = client(cs, "Client-super", superStates)) {
                t.add("super: " + settled(superStates, true));
                t.add("super whoAmI: " + who(sup));
                t.add("super sets bob's node: " + op(() -> sup.setData("/sasl", "s".getBytes(), -1).getVersion()));
                t.add("super cleans up: " + op(() -> { sup.delete("/creator", -1); sup.delete("/sasl", -1); return "done"; }));
            }
        }
        for (String wrong : List.of("Client-wrong", "Client-nobody")) {
            LinkedBlockingQueue<String> states = new LinkedBlockingQueue<>();
            try (ZooKeeper zk = client(cs, wrong, states)) {
                t.add(wrong + ": " + settled(states, true));
            }
        }
        return t;
    }

    @Test
    void rightAndWrongPasswordsSaslAclsAndTheSuperUserAsOnZooKeeper() throws Exception {
        List<String> onZk;
        try (SecureReferenceZooKeeper zk = zooKeeper(false)) {
            onZk = scenario(zk.connectString());
        }
        List<String> onMeerkat;
        try (Meerkat m = meerkat(false)) {
            onMeerkat = scenario(m.connectString());
        }
        assertThat(String.join("\n", onMeerkat)).as("Meerkat (actual) vs ZooKeeper 3.9.5 (expected)").isEqualTo(String.join("\n", onZk));
        assertThat(onZk).contains("bob: SaslAuthenticated", "Client-wrong: AuthFailed");
    }

    private static List<String> enforced(String cs) throws Exception {
        List<String> t = new ArrayList<>();
        LinkedBlockingQueue<String> anonStates = new LinkedBlockingQueue<>();
        try (ZooKeeper anon = client(cs, null, anonStates)) {
            t.add("anonymous: " + settled(anonStates, false));
            t.add("anonymous exists: " + op(() -> anon.exists("/", false) != null));
        }
        LinkedBlockingQueue<String> bobStates = new LinkedBlockingQueue<>();
        try (ZooKeeper bob = client(cs, "Client-bob", bobStates)) {
            t.add("bob: " + settled(bobStates, true));
            t.add("bob exists: " + op(() -> bob.exists("/", false) != null));
        }
        return t;
    }

    @Test
    void enforcedAuthRefusesUnauthenticatedSessionsWithZooKeepersCode() throws Exception {
        List<String> onZk;
        try (SecureReferenceZooKeeper zk = zooKeeper(true)) {
            onZk = enforced(zk.connectString());
        }
        List<String> onMeerkat;
        try (Meerkat m = meerkat(true)) {
            onMeerkat = enforced(m.connectString());
            assertThat(m.clientMetrics().authFailures()).isPositive();
        }
        assertThat(String.join("\n", onMeerkat)).as("Meerkat (actual) vs ZooKeeper 3.9.5 (expected)").isEqualTo(String.join("\n", onZk));
        assertThat(onZk).contains("anonymous exists: ERR SESSIONCLOSEDREQUIRESASLAUTH", "bob exists: true");
    }
}
