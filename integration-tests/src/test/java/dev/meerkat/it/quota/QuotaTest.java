package dev.meerkat.it.quota;

import dev.meerkat.it.hardening.Clients;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.SecurityConfig;
import dev.meerkat.server.config.ServerConfig;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.StatsTrack;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.cli.DelQuotaCommand;
import org.apache.zookeeper.cli.ListQuotaCommand;
import org.apache.zookeeper.cli.SetQuotaCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Quotas as ZooKeeper 3.9 keeps them, driven by zkCli's own setquota, listquota and delquota code:
 * the /zookeeper/quota nodes and the usage the server keeps in zookeeper_stats are the same as on
 * Apache ZooKeeper 3.9.5; with enforceQuota a write past a hard limit fails with QUOTA_EXCEEDED.
 */
class QuotaTest {

    private static StatsTrack limits(long count, long bytes, long countHard, long byteHard) {
        StatsTrack s = new StatsTrack();
        s.setCount(count);
        s.setBytes(bytes);
        if (countHard >= 0) s.setCountHardLimit(countHard);
        if (byteHard >= 0) s.setByteHardLimit(byteHard);
        return s;
    }

    private static List<String> scenario(ZooKeeper zk) throws Exception {
        List<String> t = new ArrayList<>();
        zk.create("/q", "12345".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/q/a", "abc".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        t.add("setquota -n 10 /q: " + SetQuotaCommand.createQuota(zk, "/q", limits(10, -1, -1, -1)));
        t.add("stats: " + new String(zk.getData("/zookeeper/quota/q/zookeeper_stats", false, null)));
        t.add("limits: " + new String(zk.getData("/zookeeper/quota/q/zookeeper_limits", false, null)));
        zk.create("/q/b", new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/q/a/deep", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setData("/q/a", "abcdefgh".getBytes(), -1);
        zk.create("/elsewhere", new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        t.add("stats after writes: " + new String(zk.getData("/zookeeper/quota/q/zookeeper_stats", false, null)));
        zk.delete("/q/b", -1);
        t.add("stats after a delete: " + new String(zk.getData("/zookeeper/quota/q/zookeeper_stats", false, null)));
        t.add("stats version (untouched by usage): " + zk.exists("/zookeeper/quota/q/zookeeper_stats", false).getVersion());
        t.add("setquota -B 100 /q: " + SetQuotaCommand.createQuota(zk, "/q", limits(-1, -1, -1, 100)));
        t.add("listquota /q: " + ListQuotaCommand.listQuota(zk, "/q"));
        try {
            SetQuotaCommand.createQuota(zk, "/q/a", limits(5, -1, -1, -1));
            t.add("quota under a quota: allowed");
        } catch (IllegalArgumentException e) {
            t.add("quota under a quota: " + e.getMessage());
        }
        t.add("delquota -n /q: " + DelQuotaCommand.delQuota(zk, "/q", limits(1, -1, -1, -1)));
        t.add("limits after delquota -n: " + new String(zk.getData("/zookeeper/quota/q/zookeeper_limits", false, null)));
        t.add("delquota /q: " + DelQuotaCommand.delQuota(zk, "/q", null));
        t.add("quota nodes left: " + zk.exists("/zookeeper/quota/q", false));
        zk.create("/q/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        t.add("no quota, no stats: " + zk.exists("/zookeeper/quota/q/zookeeper_stats", false));
        return t;
    }

    @Test
    void zkCliQuotaCommandsSeeWhatTheySeeOnZooKeeper() throws Exception {
        List<String> onZk;
        System.setProperty("zookeeper.admin.enableServer", "false");
        try (TestingServer zk = new TestingServer(-1, Files.createTempDirectory("zk-quota").toFile(), true);
             ZooKeeper c = Clients.connect(zk.getConnectString())) {
            onZk = scenario(c);
        }
        List<String> onMeerkat;
        try (Meerkat m = Meerkat.embedded(); ZooKeeper c = Clients.connect(m.connectString())) {
            onMeerkat = scenario(c);
        }
        assertThat(String.join("\n", onMeerkat)).as("Meerkat (actual) vs ZooKeeper 3.9.5 (expected)").isEqualTo(String.join("\n", onZk));
    }

    @Test
    void withEnforceQuotaAWritePastAHardLimitFailsWithQuotaExceeded() throws Exception {
        ServerConfig c = ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(null);
        SecurityConfig.Builder b = c.security().toBuilder();
        b.enforceQuota = true;
        try (Meerkat m = Meerkat.start(c.withSecurity(b.build())); ZooKeeper zk = Clients.connect(m.connectString())) {
            zk.create("/hard", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/soft", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            SetQuotaCommand.createQuota(zk, "/hard", limits(-1, -1, 3, 20));
            SetQuotaCommand.createQuota(zk, "/soft", limits(2, -1, -1, -1));
            zk.create("/hard/1", new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/hard/2", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThatThrownBy(() -> zk.create("/hard/3", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                    .isInstanceOfSatisfying(KeeperException.class, e -> assertThat(e.code()).isEqualTo(KeeperException.Code.QUOTAEXCEEDED));
            assertThatThrownBy(() -> zk.setData("/hard/1", new byte[30], -1))
                    .isInstanceOfSatisfying(KeeperException.class, e -> assertThat(e.code()).isEqualTo(KeeperException.Code.QUOTAEXCEEDED));
            assertThat(zk.exists("/hard/3", false)).isNull();
            assertThat(zk.getData("/hard/1", false, null)).hasSize(10);
            // a soft limit is only logged
            for (int i = 0; i < 4; i++) zk.create("/soft/" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(new String(zk.getData("/zookeeper/quota/soft/zookeeper_stats", false, null))).startsWith("count=5,");
            assertThat(m.clientMetrics().quotaExceeded()).isEqualTo(2);
        }
    }
}
