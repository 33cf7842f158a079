package dev.meerkat.server.migrate.zookeeper;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A seeded mix of everything that ends up in ZooKeeper's files: every create mode (sequential,
 * ephemeral, container, TTL), null and binary data, ACLs of every scheme, setData, setACL, deletes,
 * multis that succeed and multis that fail, sessions that close (their ephemerals go) and sessions
 * left open. Asynchronous with many requests in flight, so that snapshots taken meanwhile are fuzzy.
 */
final class ZkWorkload {
    static final List<ACL> ALICE = List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", "alice:" + digest("alice:secret"))));
    static final List<ACL> MIXED = List.of(
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
            new ACL(ZooDefs.Perms.ALL, new Id("ip", "127.0.0.1")),
            new ACL(ZooDefs.Perms.WRITE | ZooDefs.Perms.CREATE, new Id("digest", "bob:" + digest("bob:pw"))),
            new ACL(ZooDefs.Perms.ALL, new Id("sasl", "kafka")));

    private final ZooKeeperFixture zk;
    private final Random random;
    private final List<String> persistent = new CopyOnWriteArrayList<>(List.of("/"));
    private final List<ZooKeeper> open = new ArrayList<>();

    ZkWorkload(ZooKeeperFixture zk, long seed) {
        this.zk = zk;
        this.random = new Random(seed);
    }

    /** Runs {@code ops} operations over a few sessions; leaves {@code leftOpen} sessions (with ephemerals) open. */
    void run(int ops, int leftOpen) throws Exception {
        for (int s = 0; s < 3; s++) open.add(session());
        Semaphore inFlight = new Semaphore(64);
        for (int i = 0; i < ops; i++) {
            if (i % 500 == 499) {
                // A session goes away: closeSession deletes its ephemerals.
                ZooKeeper old = open.remove(0);
                inFlight.acquire(64);
                old.close();
                inFlight.release(64);
                open.add(session());
            }
            ZooKeeper c = open.get(random.nextInt(open.size()));
            inFlight.acquire();
            issue(c, i, inFlight);
        }
        if (!inFlight.tryAcquire(64, 60, TimeUnit.SECONDS)) throw new IllegalStateException("requests did not finish");
        while (open.size() > leftOpen) open.remove(0).close();
    }

    /** Closes the sessions left open, as a clean shutdown of their clients would. */
    void closeAll() throws InterruptedException {
        for (ZooKeeper c : open) c.close();
        open.clear();
    }

    /** Sessions still open, for tests that want them to survive in the data. */
    List<ZooKeeper> openSessions() {
        return open;
    }

    private ZooKeeper session() throws Exception {
        ZooKeeper c = zk.client();
        c.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
        return c;
    }

    private void issue(ZooKeeper c, int i, Semaphore inFlight) {
        String parent = persistent.get(random.nextInt(persistent.size()));
        String name = (parent.equals("/") ? "/" : parent + "/") + "n" + i;
        byte[] data = data();
        int kind = random.nextInt(20);
        Runnable done = inFlight::release;
        switch (kind) {
            case 0, 1, 2, 3, 4 -> c.create(name, data, acl(), CreateMode.PERSISTENT, (rc, path, ctx, created) -> {
                if (rc == 0) persistent.add(created);
                done.run();
            }, null);
            case 5 -> c.create(name + "-", data, acl(), CreateMode.PERSISTENT_SEQUENTIAL, (rc, path, ctx, created) -> {
                if (rc == 0) persistent.add(created);
                done.run();
            }, null);
            case 6 -> c.create(name, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, (rc, p, ctx, n) -> done.run(), null);
            case 7 -> c.create(name + "-", data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL, (rc, p, ctx, n) -> done.run(), null);
            case 8 -> c.create(name, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER, (rc, path, ctx, created) -> {
                if (rc == 0) persistent.add(created);
                done.run();
            }, null);
            case 9 -> c.create(name, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL,
                    (rc, path, ctx, created, stat) -> done.run(), null, 3_600_000);
            case 10, 11, 12, 13 -> c.setData(pick(), data, -1, (rc, path, ctx, stat) -> done.run(), null);
            case 14 -> c.setACL(pick(), acl(), -1, (rc, path, ctx, stat) -> done.run(), null);
            case 15, 16 -> {
                String victim = pick();
                c.delete(victim, -1, (rc, path, ctx) -> {
                    if (rc == 0) persistent.remove(victim);
                    done.run();
                }, null);
            }
            case 17 -> c.multi(List.of(
                    Op.create(name, data, acl(), CreateMode.PERSISTENT),
                    Op.setData(name, data(), 0),
                    Op.create(name + "/child", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL)),
                    (rc, path, ctx, results) -> {
                        if (rc == 0) persistent.add(name);
                        done.run();
                    }, null);
            case 18 -> c.multi(List.of(
                    Op.create(name, data, acl(), CreateMode.PERSISTENT),
                    Op.check(parent, 12345)), // fails: nothing is applied, an error transaction is logged
                    (rc, path, ctx, results) -> done.run(), null);
            default -> c.create(name, null, ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, n) -> done.run(), null);
        }
    }

    private String pick() {
        String p = persistent.get(random.nextInt(persistent.size()));
        return p.equals("/") ? "/zookeeper/quota" : p;
    }

    private List<ACL> acl() {
        return switch (random.nextInt(6)) {
            case 0 -> ALICE;
            case 1 -> ZooDefs.Ids.CREATOR_ALL_ACL;
            case 2 -> MIXED;
            default -> ZooDefs.Ids.OPEN_ACL_UNSAFE;
        };
    }

    private byte[] data() {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2 -> {
                byte[] b = new byte[random.nextInt(3000)];
                random.nextBytes(b);
                yield b;
            }
            default -> ("{\"value\":" + random.nextInt() + "}").getBytes(StandardCharsets.UTF_8);
        };
    }

    static String digest(String userPassword) {
        try {
            return org.apache.zookeeper.server.auth.DigestAuthenticationProvider.generateDigest(userPassword).split(":", 2)[1];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
