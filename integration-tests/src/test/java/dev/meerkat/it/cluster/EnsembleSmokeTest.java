package dev.meerkat.it.cluster;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EnsembleSmokeTest {

    static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 6000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        assertThat(connected.await(30, TimeUnit.SECONDS)).as("connected to " + connectString).isTrue();
        return zk;
    }

    @Test
    void threeServersAreOneService() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3), RunDirs.fresh("smoke"))) {
            int leader = e.leader();
            int follower = leader == 1 ? 2 : 1;
            try (ZooKeeper onFollower = connect(e.connectString(follower))) {
                onFollower.create("/a", "one".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                onFollower.setData("/a", "two".getBytes(StandardCharsets.UTF_8), 0);
            }
            for (int id : e.ids()) {
                try (ZooKeeper zk = connect(e.connectString(id))) {
                    zk.sync("/a", (rc, path, ctx) -> { }, null);
                    Stat stat = new Stat();
                    await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/a", false) != null);
                    assertThat(new String(zk.getData("/a", false, stat), StandardCharsets.UTF_8)).isEqualTo("two");
                    assertThat(stat.getVersion()).isEqualTo(1);
                }
            }
            e.kill(leader);
            int next = e.leader();
            assertThat(next).isNotEqualTo(leader);
            try (ZooKeeper zk = connect(e.connectString())) {
                zk.create("/b", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThat(zk.exists("/a", false)).isNotNull();
            }
            e.restart(leader);
            e.awaitAllServing(Duration.ofSeconds(30));
            try (ZooKeeper zk = connect(e.connectString(leader))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/b", false) != null);
            }
        }
    }
}
