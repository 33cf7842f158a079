package dev.meerkat.it.migrate;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tree with every kind of znode and odd stats: persistent, sequential, containers (one with a
 * child, one never used), TTL nodes, null / empty / binary / near-megabyte data, a unicode name,
 * ACLs of every scheme this ZooKeeper knows (world, digest, ip, auth resolved to digest), a node with a version in
 * the hundreds, an aversion, a cversion with more deletes than children, a quota, a failed multi,
 * and znodes deleted again.
 */
final class OddTree {
    static final String ROOT = "/odd";
    // Mutable lists: the client's ACL check calls contains(null), which immutable lists refuse.
    static final List<ACL> DIGEST_ALICE = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest("alice:secret")))));
    static final List<ACL> MIXED = new ArrayList<>(List.of(
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
            new ACL(ZooDefs.Perms.ALL, new Id("ip", "127.0.0.1")),
            new ACL(ZooDefs.Perms.WRITE | ZooDefs.Perms.CREATE, new Id("digest", digest("bob:pw")))));

    private OddTree() {
    }

    /** Builds the tree under {@link #ROOT}; the session must have authenticated as alice:secret. */
    static void build(ZooKeeper zk) throws Exception {
        zk.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[1000_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        zk.create(ROOT, "root of the odd tree".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/null", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/empty", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/big", big, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/binary", new byte[]{0, -1, 127, -128, 10, 13}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/ünïcødé-名前", "utf-8".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/acl-digest", null, DIGEST_ALICE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/acl-auth", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        zk.create(ROOT + "/acl-mixed", null, MIXED, CreateMode.PERSISTENT);
        zk.create(ROOT + "/acl-read-only", null, ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/versions", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 300; i++) zk.setData(ROOT + "/versions", ("v" + i).getBytes(StandardCharsets.UTF_8), i);
        zk.create(ROOT + "/aversion", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 7; i++) zk.setACL(ROOT + "/aversion", i % 2 == 0 ? MIXED : ZooDefs.Ids.OPEN_ACL_UNSAFE, i);
        zk.create(ROOT + "/seq", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 25; i++) {
            String p = zk.create(ROOT + "/seq/item-", ("n" + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT_SEQUENTIAL);
            if (i % 3 != 0) zk.delete(p, -1); // cversion: more deletes than children left
        }
        zk.create(ROOT + "/container", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
        zk.create(ROOT + "/container/kept", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/container-unused", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
        zk.create(ROOT + "/ttl", "lives an hour".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_WITH_TTL, null, 3_600_000);
        zk.create(ROOT + "/ttl-seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, null, 3_600_000);
        zk.multi(List.of(
                Op.create(ROOT + "/multi", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create(ROOT + "/multi/a", "a".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData(ROOT + "/multi/a", "b".getBytes(StandardCharsets.UTF_8), 0)));
        try {
            zk.multi(List.of(
                    Op.create(ROOT + "/never", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.check(ROOT + "/multi", 42)));
        } catch (org.apache.zookeeper.KeeperException.BadVersionException expected) {
            // a failed multi is logged as an error transaction: nothing to import from it
        }
        zk.create(ROOT + "/gone", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT + "/gone/child", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.delete(ROOT + "/gone/child", -1);
        zk.delete(ROOT + "/gone", -1);
        // A quota: ZooKeeper keeps its limit and stat nodes under /zookeeper/quota.
        zk.create("/zookeeper/quota" + ROOT, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/zookeeper/quota" + ROOT + "/zookeeper_limits", "count=1000,bytes=-1".getBytes(StandardCharsets.UTF_8),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/zookeeper/quota" + ROOT + "/zookeeper_stats", "count=0,bytes=0".getBytes(StandardCharsets.UTF_8),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        // Enough churn for several snapshots and log files, with the tree changing while they are taken.
        zk.create(ROOT + "/churn", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 600; i++) {
            String p = ROOT + "/churn/c" + (i % 40);
            if (zk.exists(p, false) == null) zk.create(p, ("c" + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            else if (i % 7 == 0) zk.delete(p, -1);
            else zk.setData(p, ("c" + i).getBytes(StandardCharsets.UTF_8), -1);
        }
    }

    static String digest(String userPassword) {
        try {
            return DigestAuthenticationProvider.generateDigest(userPassword);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
