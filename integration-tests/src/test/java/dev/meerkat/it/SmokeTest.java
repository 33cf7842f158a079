package dev.meerkat.it;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmokeTest {
    @Test
    void basicOperationsWork() throws Exception {
        try (Meerkat m = Meerkat.embedded()) {
            CountDownLatch connected = new CountDownLatch(1);
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            ZooKeeper zk = new ZooKeeper(m.connectString(), 10_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected && e.getType() == Watcher.Event.EventType.None) connected.countDown();
                else if (e.getType() != Watcher.Event.EventType.None) events.add(e);
            });
            assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
            String p = zk.create("/a", "hello".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(p).isEqualTo("/a");
            Stat st = new Stat();
            assertThat(new String(zk.getData("/a", true, st))).isEqualTo("hello");
            zk.setData("/a", "x".getBytes(), 0);
            WatchedEvent ev = events.poll(5, TimeUnit.SECONDS);
            assertThat(ev.getType()).isEqualTo(Watcher.Event.EventType.NodeDataChanged);
            assertThatThrownBy(() -> zk.create("/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                    .isInstanceOf(KeeperException.NodeExistsException.class);
            String s1 = zk.create("/a/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            assertThat(s1).isEqualTo("/a/s-0000000000");
            List<OpResult> r = zk.multi(List.of(Op.create("/b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT), Op.setData("/b", "v".getBytes(), 0)));
            assertThat(r).hasSize(2);
            assertThat(zk.getChildren("/", false)).containsExactlyInAnyOrder("a", "b", "zookeeper");
            zk.close();
        }
    }
}
