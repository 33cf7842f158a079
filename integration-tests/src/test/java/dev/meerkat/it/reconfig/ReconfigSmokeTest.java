package dev.meerkat.it.reconfig;

import dev.meerkat.it.cluster.ReconfigurableEnsemble;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ReconfigSmokeTest {
    static final String SUPER = "DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=";
    @TempDir Path dir;

    static ZooKeeperAdmin admin(String cs) throws Exception {
        CountDownLatch c = new CountDownLatch(1);
        ZooKeeperAdmin z = new ZooKeeperAdmin(cs, 15000, e -> { if (e.getState() == Watcher.Event.KeeperState.SyncConnected) c.countDown(); });
        assertThat(c.await(30, TimeUnit.SECONDS)).isTrue();
        z.addAuthInfo("digest", "super:test".getBytes());
        return z;
    }

    @Test
    void growAndShrink() throws Exception {
        try (ReconfigurableEnsemble e = ReconfigurableEnsemble.start(dir, List.of(SUPER), 1, 2, 3)) {
            ZooKeeperAdmin z = admin(e.connectString(1, 2, 3));
            Stat st = new Stat();
            String cfg = new String(z.getConfig(false, st));
            System.out.println("CONFIG1 " + cfg + " " + st);
            z.create("/a", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            String line4 = e.serverLine(4, false);
            List<String> lines = new java.util.ArrayList<>(List.of(cfg.split("\n")));
            lines.removeIf(l -> l.startsWith("version="));
            lines.add(line4);
            e.join(4, lines);
            Stat rs = new Stat();
            byte[] r = z.reconfigure(line4, null, null, -1, rs);
            System.out.println("CONFIG2 " + new String(r) + " " + rs);
            e.awaitServing(java.time.Duration.ofSeconds(30), 4);
            System.out.println("MODE4 " + e.mode(4));
            try { z.reconfigure(null, "3", null, 5, new Stat()); } catch (KeeperException ex) { System.out.println("STALE " + ex.code()); }
            int leader = e.leader();
            // Through a server that stays: the removed leader closes its clients' connections, and a
            // request in flight on one of them ends in ConnectionLoss.
            int stays = leader == 4 ? 1 : 4;
            try (ZooKeeperAdmin other = admin(e.connectString(stays))) {
                byte[] r2 = other.reconfigure(null, Integer.toString(leader), null, -1, new Stat());
                System.out.println("CONFIG3 " + new String(r2) + " leader was " + leader + " now " + e.leader());
                other.create("/b", "y".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            System.out.println("SERVER " + leader + " mode " + e.mode(leader));
            z.close();
        }
    }
}
