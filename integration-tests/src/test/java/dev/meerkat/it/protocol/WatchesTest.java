package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.SetWatches;
import dev.meerkat.wire.proto.SetWatches2;
import dev.meerkat.wire.proto.WatcherEvent;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One-shot, persistent and recursive watches, their removal, and their replay after a reconnect. */
class WatchesTest {
    private static final List<org.apache.zookeeper.data.ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static Meerkat meerkat;
    private static Zk.Events events;
    private static ZooKeeper zk;
    private static ZooKeeper writer;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Zk.meerkat();
        events = new Zk.Events();
        zk = Zk.connect(meerkat.connectString(), events);
        writer = Zk.connect(meerkat.connectString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) zk.close();
        if (writer != null) writer.close();
        if (meerkat != null) meerkat.close();
    }

    @Test
    void oneShotDataExistAndChildWatches() throws Exception {
        writer.create("/w1", null, OPEN, CreateMode.PERSISTENT);
        zk.exists("/w1/x", true);
        zk.getChildren("/w1", true);
        writer.create("/w1/x", null, OPEN, CreateMode.PERSISTENT);
        writer.delete("/w1/x", -1);
        assertThat(events.drain(zk)).containsExactly("NodeCreated /w1/x", "NodeChildrenChanged /w1");

        zk.getData("/w1", true, null);
        writer.setData("/w1", new byte[]{1}, -1);
        writer.setData("/w1", new byte[]{2}, -1);
        assertThat(events.drain(zk)).containsExactly("NodeDataChanged /w1");

        zk.getData("/w1", true, null);
        zk.getChildren("/w1", true);
        writer.delete("/w1", -1);
        // one event per watcher, even though a data and a child watch matched
        assertThat(events.drain(zk)).containsExactly("NodeDeleted /w1");
    }

    @Test
    void persistentWatchSeesNodeAndChildrenButNotGrandchildren() throws Exception {
        zk.addWatch("/w2", AddWatchMode.PERSISTENT);
        writer.create("/w2", null, OPEN, CreateMode.PERSISTENT);
        writer.create("/w2/c", null, OPEN, CreateMode.PERSISTENT);
        writer.setData("/w2", null, -1);
        writer.setData("/w2/c", null, -1);
        writer.delete("/w2/c", -1);
        writer.delete("/w2", -1);
        writer.create("/w2", null, OPEN, CreateMode.PERSISTENT);
        assertThat(events.drain(zk)).containsExactly("NodeCreated /w2", "NodeChildrenChanged /w2", "NodeDataChanged /w2",
                "NodeChildrenChanged /w2", "NodeDeleted /w2", "NodeCreated /w2");
        zk.removeAllWatches("/w2", Watcher.WatcherType.Any, false);
        writer.delete("/w2", -1);
        assertThat(events.drain(zk)).containsExactly("PersistentWatchRemoved /w2");
    }

    @Test
    void recursiveWatchSeesTheSubtreeWithoutChildEvents() throws Exception {
        zk.addWatch("/w3", AddWatchMode.PERSISTENT_RECURSIVE);
        writer.create("/w3", null, OPEN, CreateMode.PERSISTENT);
        writer.create("/w3/a", null, OPEN, CreateMode.PERSISTENT);
        writer.create("/w3/a/b", null, OPEN, CreateMode.PERSISTENT);
        writer.setData("/w3/a/b", null, -1);
        writer.delete("/w3/a/b", -1);
        writer.create("/w3x", null, OPEN, CreateMode.PERSISTENT);
        assertThat(events.drain(zk)).containsExactly("NodeCreated /w3", "NodeCreated /w3/a", "NodeCreated /w3/a/b",
                "NodeDataChanged /w3/a/b", "NodeDeleted /w3/a/b");
    }

    @Test
    void removedWatchesFireNoMore() throws Exception {
        writer.create("/w4", null, OPEN, CreateMode.PERSISTENT);
        LinkedBlockingQueue<String> mine = new LinkedBlockingQueue<>();
        Watcher w = e -> mine.add(e.getType() + " " + e.getPath());
        zk.getData("/w4", w, null);
        zk.getChildren("/w4", w);
        zk.removeWatches("/w4", w, Watcher.WatcherType.Data, false);
        assertThat(mine.poll(10, TimeUnit.SECONDS)).isEqualTo("DataWatchRemoved /w4");
        writer.setData("/w4", null, -1);
        writer.create("/w4/c", null, OPEN, CreateMode.PERSISTENT);
        assertThat(mine.poll(10, TimeUnit.SECONDS)).isEqualTo("NodeChildrenChanged /w4");
        assertThat(mine).isEmpty();
        assertThatThrownBy(() -> zk.removeWatches("/w4", w, Watcher.WatcherType.Children, false))
                .isInstanceOf(KeeperException.NoWatcherException.class);
    }

    @Test
    void watchesAreReplayedAfterReconnect() throws Exception {
        writer.create("/w5", null, OPEN, CreateMode.PERSISTENT);
        writer.create("/w5/data", null, OPEN, CreateMode.PERSISTENT);
        writer.create("/w5/same", null, OPEN, CreateMode.PERSISTENT);
        writer.create("/w5/gone", null, OPEN, CreateMode.PERSISTENT);
        try (TcpProxy proxy = new TcpProxy(meerkat.port())) {
            Zk.Events ev = new Zk.Events();
            ZooKeeper viaProxy = Zk.connect(proxy.connectString(), ev);
            long session = viaProxy.getSessionId();
            viaProxy.exists("/w5/missing", true);
            viaProxy.getData("/w5/data", true, null);
            viaProxy.getData("/w5/same", true, null);
            viaProxy.exists("/w5/gone", true);
            viaProxy.getChildren("/w5/same", true);
            viaProxy.addWatch("/w5/p", AddWatchMode.PERSISTENT);
            viaProxy.addWatch("/w5/r", AddWatchMode.PERSISTENT_RECURSIVE);
            ev.expectReconnect();
            proxy.down();
            assertThat(ev.states.poll(10, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.Disconnected);
            writer.create("/w5/missing", null, OPEN, CreateMode.PERSISTENT);
            writer.setData("/w5/data", null, -1);
            writer.delete("/w5/gone", -1);
            writer.create("/w5/p", null, OPEN, CreateMode.PERSISTENT);
            proxy.up();
            ev.awaitConnected();
            assertThat(viaProxy.getSessionId()).isEqualTo(session);
            // the client lists its watches from hash maps: the replay order is not defined
            assertThat(ev.drain(viaProxy)).containsExactlyInAnyOrder("NodeDataChanged /w5/data", "NodeDeleted /w5/gone", "NodeCreated /w5/missing");
            // what did not change is still armed, persistent ones too
            writer.setData("/w5/same", null, -1);
            writer.create("/w5/same/c", null, OPEN, CreateMode.PERSISTENT);
            writer.setData("/w5/p", null, -1);
            writer.create("/w5/r", null, OPEN, CreateMode.PERSISTENT);
            writer.create("/w5/r/deep", null, OPEN, CreateMode.PERSISTENT);
            assertThat(ev.drain(viaProxy)).containsExactly("NodeDataChanged /w5/same", "NodeChildrenChanged /w5/same",
                    "NodeDataChanged /w5/p", "NodeCreated /w5/r", "NodeCreated /w5/r/deep");
            viaProxy.close();
        }
    }

    @Test
    void rawSetWatchesAndSetWatches2FireWhatWasMissed() throws Exception {
        writer.create("/w6", null, OPEN, CreateMode.PERSISTENT);
        writer.create("/w6/old", null, OPEN, CreateMode.PERSISTENT);
        long before = writer.exists("/w6/old", false).getMzxid();
        writer.setData("/w6", null, -1);
        try (RawClient raw = new RawClient(meerkat.port())) {
            raw.connect();
            assertThat(raw.call(OpCode.SET_WATCHES, o -> new SetWatches(before,
                    List.of("/w6", "/w6/old", "/w6/none"), List.of("/w6/old", "/w6/nothere"), List.of("/w6")).write(o)).err()).isZero();
            assertThat(raw.notifications).extracting(WatcherEvent::type, WatcherEvent::path).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(3, "/w6"), org.assertj.core.groups.Tuple.tuple(2, "/w6/none"),
                    org.assertj.core.groups.Tuple.tuple(1, "/w6/old"));
            raw.notifications.clear();
            assertThat(raw.call(OpCode.SET_WATCHES2, o -> new SetWatches2(before, List.of(), List.of(), List.of(),
                    List.of("/w6/p"), List.of("/w6/r")).write(o)).err()).isZero();
            assertThat(raw.notifications).isEmpty();
            writer.create("/w6/p", null, OPEN, CreateMode.PERSISTENT);
            writer.create("/w6/nothere", null, OPEN, CreateMode.PERSISTENT);
            writer.create("/w6/r", null, OPEN, CreateMode.PERSISTENT);
            assertThat(raw.call(OpCode.EXISTS, o -> o.writeString("/").writeBool(false)).err()).isZero();
            assertThat(raw.notifications).extracting(WatcherEvent::type, WatcherEvent::path).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(1, "/w6/p"), org.assertj.core.groups.Tuple.tuple(4, "/w6"),
                    org.assertj.core.groups.Tuple.tuple(1, "/w6/nothere"), org.assertj.core.groups.Tuple.tuple(1, "/w6/r"));
        }
    }
}
