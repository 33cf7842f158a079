package dev.meerkat.it.protocol;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
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
import java.util.concurrent.TimeUnit;

/** Differential: ACL schemes and the error codes of every access check, Meerkat vs ZooKeeper 3.9.5. */
class AclDifferentialTest {
    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static DifferentialSupport servers;

    @BeforeAll
    static void start() throws Exception {
        servers = new DifferentialSupport();
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) servers.close();
    }

    private static List<ACL> acl(int perms, String scheme, String id) {
        return Arrays.asList(new ACL(perms, new Id(scheme, id)));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void digestIpWorldAndAuthSchemes() throws Exception {
        String alice = DigestAuthenticationProvider.generateDigest("alice:pw");
        servers.compare(c -> {
            ZooKeeper zk = c.zk();
            ZooKeeper other = c.other();
            var t = c.t();
            zk.create("/acl", null, OPEN, CreateMode.PERSISTENT);
            t.op("digest node", () -> zk.create("/acl/d", b("secret"), acl(ZooDefs.Perms.ALL, "digest", alice), CreateMode.PERSISTENT));
            t.op("getData no auth", () -> zk.getData("/acl/d", false, null));
            t.op("exists no auth", () -> zk.exists("/acl/d", false));
            t.op("getACL no auth", () -> zk.getACL("/acl/d", new Stat()));
            t.op("setData no auth", () -> zk.setData("/acl/d", null, -1));
            t.op("children no auth", () -> zk.getChildren("/acl/d", false));
            t.op("create under no auth", () -> zk.create("/acl/d/x", null, OPEN, CreateMode.PERSISTENT));
            t.op("allChildren no auth", () -> zk.getAllChildrenNumber("/acl/d"));
            other.addAuthInfo("digest", b("alice:pw"));
            t.op("getData as alice", () -> other.getData("/acl/d", false, null));
            t.op("getACL as alice", () -> other.getACL("/acl/d", new Stat()));
            t.op("create under as alice", () -> other.create("/acl/d/x", null, OPEN, CreateMode.PERSISTENT));
            t.op("delete child no auth", () -> {
                zk.delete("/acl/d/x", -1);
                return null;
            });
            t.op("delete node itself (parent open)", () -> {
                zk.create("/acl/locked", null, acl(ZooDefs.Perms.READ, "world", "anyone"), CreateMode.PERSISTENT);
                zk.delete("/acl/locked", -1);
                return null;
            });

            t.op("creator all without auth", () -> zk.create("/acl/c", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
            t.op("creator all with auth", () -> other.create("/acl/c", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
            t.op("creator acl", () -> other.getACL("/acl/c", new Stat()));
            t.op("bad digest id", () -> zk.create("/acl/x", null, acl(31, "digest", "nocolon"), CreateMode.PERSISTENT));
            t.op("bad ip", () -> zk.create("/acl/x", null, acl(31, "ip", "1.2.3.4/99"), CreateMode.PERSISTENT));
            t.op("bad scheme", () -> zk.create("/acl/x", null, acl(31, "foo", "bar"), CreateMode.PERSISTENT));
            t.op("bad world id", () -> zk.create("/acl/x", null, acl(31, "world", "someone"), CreateMode.PERSISTENT));

            t.op("ip node", () -> zk.create("/acl/ip", null, acl(ZooDefs.Perms.READ, "ip", "127.0.0.1"), CreateMode.PERSISTENT));
            t.op("ip read", () -> zk.getData("/acl/ip", false, null));
            t.op("ip write", () -> zk.setData("/acl/ip", null, -1));
            t.op("ip net node", () -> zk.create("/acl/ipnet", null, acl(ZooDefs.Perms.ALL, "ip", "10.0.0.0/8"), CreateMode.PERSISTENT));
            t.op("ip net read", () -> zk.getData("/acl/ipnet", false, null));
            t.op("ip subnet node", () -> zk.create("/acl/ipsub", null, acl(ZooDefs.Perms.ALL, "ip", "127.0.0.0/8"), CreateMode.PERSISTENT));
            t.op("ip subnet read", () -> zk.getData("/acl/ipsub", false, null));

            t.op("write only", () -> zk.create("/acl/w", null, acl(ZooDefs.Perms.WRITE, "world", "anyone"), CreateMode.PERSISTENT));
            t.op("write only exists", () -> zk.exists("/acl/w", false));
            t.op("write only getACL", () -> zk.getACL("/acl/w", new Stat()));
            t.op("write only setData", () -> zk.setData("/acl/w", b("x"), -1));
            t.op("admin only", () -> zk.create("/acl/a", null, acl(ZooDefs.Perms.ADMIN, "world", "anyone"), CreateMode.PERSISTENT));
            t.op("admin only getACL", () -> zk.getACL("/acl/a", new Stat()));
            t.op("admin only setACL", () -> zk.setACL("/acl/a", OPEN, 0));
            t.op("after setACL", () -> zk.getData("/acl/a", false, new Stat()));
            t.op("setACL bad version", () -> zk.setACL("/acl/a", OPEN, 0));
            t.op("mixed", () -> zk.create("/acl/m", null, Arrays.asList(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
                    new ACL(ZooDefs.Perms.ALL, new Id("digest", alice))), CreateMode.PERSISTENT));
            t.op("mixed getACL unauth", () -> zk.getACL("/acl/m", new Stat()));
            t.op("mixed getACL alice", () -> other.getACL("/acl/m", new Stat()));
            t.op("precedence: parent without DELETE, child missing", () -> {
                zk.delete("/acl/a/none", -1);
                return null;
            });
            t.op("precedence: read-only parent, existing child", () -> {
                zk.create("/acl/ro", null, acl(ZooDefs.Perms.READ, "world", "anyone"), CreateMode.PERSISTENT);
                return zk.create("/acl/ro", null, OPEN, CreateMode.PERSISTENT);
            });
            t.op("precedence: create existing under read-only", () -> {
                other.addAuthInfo("digest", b("alice:pw"));
                return zk.create("/acl/d", null, OPEN, CreateMode.PERSISTENT);
            });
            t.op("precedence: invalid acl on missing node", () -> zk.setACL("/acl/none", acl(31, "digest", "nocolon"), -1));
            t.op("precedence: setData no auth and bad version", () -> zk.setData("/acl/d", null, 42));
            t.op("multi no auth", () -> zk.multi(List.of(org.apache.zookeeper.Op.create("/acl/ok", null, OPEN, CreateMode.PERSISTENT),
                    org.apache.zookeeper.Op.setData("/acl/d", null, -1))));
        });
    }

    @Test
    void unknownAuthSchemeFailsTheConnection() throws Exception {
        servers.compare(c -> {
            var t = c.t();
            Zk.Events ev = new Zk.Events();
            try (ZooKeeper zk = Zk.connect(c.connectString(), ev)) {
                zk.addAuthInfo("nosuchscheme", b("x"));
                t.note("state", ev.states.poll(10, TimeUnit.SECONDS));
                t.op("call after AuthFailed", () -> zk.exists("/", false));
            }
            Zk.Events ev2 = new Zk.Events();
            try (ZooKeeper zk = Zk.connect(c.connectString(), ev2)) {
                zk.addAuthInfo("digest", b("nocolon"));
                t.op("digest without colon", () -> zk.exists("/", false));
                t.op("whoAmI", () -> zk.whoAmI().stream().map(i -> i.getAuthScheme() + ":" + i.getUser()).toList());
            }
        });
    }
}
