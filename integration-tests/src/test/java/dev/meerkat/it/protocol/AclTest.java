package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ACL schemes on Meerkat, the super digest included (its differential twin is AclDifferentialTest). */
class AclTest {
    private static Meerkat meerkat;
    private static ZooKeeper anonymous;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Meerkat.start(Zk.config().withSuperDigest(DigestAuthenticationProvider.generateDigest("super:pw")));
        anonymous = Zk.connect(meerkat.connectString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (anonymous != null) anonymous.close();
        if (meerkat != null) meerkat.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void authSchemeGivesTheCreatorAllRights() throws Exception {
        try (ZooKeeper bob = Zk.connect(meerkat.connectString())) {
            bob.addAuthInfo("digest", b("bob:pw"));
            bob.create("/acl-bob", b("mine"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            assertThat(bob.getACL("/acl-bob", new Stat())).containsExactly(
                    new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest("bob:pw"))));
            assertThat(bob.getData("/acl-bob", false, null)).isEqualTo(b("mine"));
        }
        assertThatThrownBy(() -> anonymous.getData("/acl-bob", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> anonymous.exists("/acl-bob", false)).isInstanceOf(KeeperException.NoAuthException.class);
        try (ZooKeeper wrong = Zk.connect(meerkat.connectString())) {
            wrong.addAuthInfo("digest", b("bob:wrong"));
            assertThatThrownBy(() -> wrong.getData("/acl-bob", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        }
        assertThatThrownBy(() -> anonymous.create("/acl-x", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT))
                .isInstanceOf(KeeperException.InvalidACLException.class);
    }

    @Test
    void superDigestPassesEveryCheck() throws Exception {
        anonymous.create("/acl-locked", b("x"), Arrays.asList(new ACL(ZooDefs.Perms.READ, new Id("ip", "10.1.2.3"))), CreateMode.PERSISTENT);
        assertThatThrownBy(() -> anonymous.getData("/acl-locked", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        try (ZooKeeper root = Zk.connect(meerkat.connectString())) {
            root.addAuthInfo("digest", b("super:pw"));
            assertThat(root.getData("/acl-locked", false, null)).isEqualTo(b("x"));
            root.setData("/acl-locked", b("y"), -1);
            root.setACL("/acl-locked", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
        }
        assertThat(anonymous.getData("/acl-locked", false, null)).isEqualTo(b("y"));
        try (ZooKeeper notSuper = Zk.connect(meerkat.connectString())) {
            notSuper.addAuthInfo("digest", b("super:nope"));
            notSuper.create("/acl-locked2", null, Arrays.asList(new ACL(ZooDefs.Perms.READ, new Id("ip", "10.1.2.3"))), CreateMode.PERSISTENT);
            assertThatThrownBy(() -> notSuper.getData("/acl-locked2", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        }
    }

    @Test
    void ipSchemeMatchesAddressesAndNetworks() throws Exception {
        List<ACL> loopbackNet = Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("ip", "127.0.0.0/8")));
        anonymous.create("/acl-ip", null, loopbackNet, CreateMode.PERSISTENT);
        anonymous.setData("/acl-ip", b("ok"), -1);
        anonymous.create("/acl-ip2", null, Arrays.asList(new ACL(ZooDefs.Perms.READ, new Id("ip", "127.0.0.1"))), CreateMode.PERSISTENT);
        assertThat(anonymous.getData("/acl-ip2", false, null)).isNull();
        assertThatThrownBy(() -> anonymous.setData("/acl-ip2", null, -1)).isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> anonymous.create("/acl-ip3", null, Arrays.asList(new ACL(31, new Id("ip", "300.1.1.1"))), CreateMode.PERSISTENT))
                .isInstanceOf(KeeperException.InvalidACLException.class);
    }
}
