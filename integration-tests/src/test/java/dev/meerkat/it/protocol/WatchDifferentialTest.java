package dev.meerkat.it.protocol;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Differential: watch event sequences (one-shot, persistent, recursive, multi, session close, replay). */
class WatchDifferentialTest {
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

    @Test
    void oneShotWatches() throws Exception {
        servers.compare(c -> {
            ZooKeeper zk = c.zk();
            ZooKeeper w = c.other();
            var t = c.t();
            w.create("/wd1", null, OPEN, CreateMode.PERSISTENT);
            zk.exists("/wd1/a", true);
            zk.getChildren("/wd1", true);
            zk.getData("/wd1", true, null);
            w.create("/wd1/a", null, OPEN, CreateMode.PERSISTENT);
            w.setData("/wd1/a", null, -1);
            w.setData("/wd1", null, -1);
            t.note("create+set", c.events().drain(zk));
            zk.getData("/wd1/a", true, null);
            zk.exists("/wd1/a", true);
            zk.getChildren("/wd1/a", true);
            zk.getChildren("/wd1", true);
            w.delete("/wd1/a", -1);
            t.note("delete", c.events().drain(zk));
            t.op("exists missing sets a watch", () -> zk.exists("/wd1/b", true));
            t.op("getData missing sets none", () -> zk.getData("/wd1/c", true, null));
            w.create("/wd1/b", null, OPEN, CreateMode.PERSISTENT);
            w.create("/wd1/c", null, OPEN, CreateMode.PERSISTENT);
            t.note("created", c.events().drain(zk));
            zk.getData("/wd1/b", true, null);
            w.multi(List.of(Op.setData("/wd1/b", null, -1), Op.delete("/wd1/b", -1), Op.create("/wd1/b", null, OPEN, CreateMode.PERSISTENT)));
            t.note("multi", c.events().drain(zk));
            zk.exists("/wd1/c", true);
            t.op("failing multi", () -> w.multi(List.of(Op.delete("/wd1/c", -1), Op.delete("/wd1/none", -1))));
            t.note("failed multi", c.events().drain(zk));
        });
    }

    @Test
    void persistentAndRecursiveWatches() throws Exception {
        servers.compare(c -> {
            ZooKeeper zk = c.zk();
            ZooKeeper w = c.other();
            zk.addWatch("/wd2", AddWatchMode.PERSISTENT);
            zk.addWatch("/wd2/r", AddWatchMode.PERSISTENT_RECURSIVE);
            zk.exists("/wd2", true);
            w.create("/wd2", null, OPEN, CreateMode.PERSISTENT);
            zk.getData("/wd2", true, null);
            w.create("/wd2/r", null, OPEN, CreateMode.PERSISTENT);
            w.create("/wd2/r/x", null, OPEN, CreateMode.PERSISTENT);
            w.create("/wd2/r/x/y", null, OPEN, CreateMode.EPHEMERAL);
            w.setData("/wd2/r/x/y", null, -1);
            w.setData("/wd2", null, -1);
            w.setData("/wd2", null, -1);
            w.delete("/wd2/r/x/y", -1);
            w.delete("/wd2/r/x", -1);
            w.delete("/wd2/r", -1);
            w.delete("/wd2", -1);
            c.t().note("events", c.events().drain(zk));
            zk.removeAllWatches("/wd2/r", Watcher.WatcherType.PersistentRecursive, false);
            w.create("/wd2", null, OPEN, CreateMode.PERSISTENT);
            w.create("/wd2/r", null, OPEN, CreateMode.PERSISTENT);
            c.t().note("after removal", c.events().drain(zk));
            c.t().op("remove again", () -> {
                zk.removeAllWatches("/wd2/r", Watcher.WatcherType.PersistentRecursive, false);
                return null;
            });
            c.t().op("remove missing data watch", () -> {
                zk.removeAllWatches("/wd2/none", Watcher.WatcherType.Data, false);
                return null;
            });
        });
    }

    @Test
    void ephemeralsOfAClosedSessionFireTheirWatches() throws Exception {
        servers.compare(c -> {
            ZooKeeper zk = c.zk();
            zk.create("/wd3", null, OPEN, CreateMode.PERSISTENT);
            ZooKeeper owner = Zk.connect(c.connectString());
            owner.create("/wd3/e1", null, OPEN, CreateMode.EPHEMERAL);
            owner.create("/wd3/e2", null, OPEN, CreateMode.EPHEMERAL);
            zk.exists("/wd3/e1", true);
            zk.getData("/wd3/e2", true, null);
            zk.getChildren("/wd3", true);
            owner.close();
            List<String> events = c.events().drain(zk);
            // which ephemeral goes first is not specified: compare as a set, and the count
            c.t().note("close events", new ArrayList<>(new java.util.TreeSet<>(events)));
            c.t().note("count", events.size());
            c.t().op("children", () -> zk.getChildren("/wd3", false));
        });
    }

    @Test
    void watchesReplayedThroughAReconnect() throws Exception {
        servers.compare(c -> {
            ZooKeeper w = c.other();
            w.create("/wd4", null, OPEN, CreateMode.PERSISTENT);
            w.create("/wd4/data", null, OPEN, CreateMode.PERSISTENT);
            w.create("/wd4/kids", null, OPEN, CreateMode.PERSISTENT);
            w.create("/wd4/gone", null, OPEN, CreateMode.PERSISTENT);
            w.create("/wd4/quiet", null, OPEN, CreateMode.PERSISTENT);
            try (TcpProxy proxy = new TcpProxy(c.port())) {
                Zk.Events ev = new Zk.Events();
                ZooKeeper zk = Zk.connect(proxy.connectString(), ev);
                zk.exists("/wd4/missing", true);
                zk.getData("/wd4/data", true, null);
                zk.getChildren("/wd4/kids", true);
                zk.getChildren("/wd4/gone", true);
                zk.getData("/wd4/quiet", true, null);
                zk.addWatch("/wd4/p", AddWatchMode.PERSISTENT);
                zk.addWatch("/wd4/r", AddWatchMode.PERSISTENT_RECURSIVE);
                ev.expectReconnect();
                proxy.down();
                assertThat(ev.states.poll(10, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.Disconnected);
                w.create("/wd4/missing", null, OPEN, CreateMode.PERSISTENT);
                w.setData("/wd4/data", null, -1);
                w.create("/wd4/kids/k", null, OPEN, CreateMode.PERSISTENT);
                w.delete("/wd4/gone", -1);
                w.create("/wd4/p", null, OPEN, CreateMode.PERSISTENT);
                w.create("/wd4/r", null, OPEN, CreateMode.PERSISTENT);
                proxy.up();
                ev.awaitConnected();
                c.t().note("replayed", new ArrayList<>(new java.util.TreeSet<>(ev.drain(zk))));
                w.setData("/wd4/quiet", null, -1);
                w.setData("/wd4/p", null, -1);
                w.create("/wd4/r/x", null, OPEN, CreateMode.PERSISTENT);
                w.setData("/wd4/data", null, -1);
                c.t().note("re-armed", ev.drain(zk));
                zk.close();
            }
        });
    }
}
