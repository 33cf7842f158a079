package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.ConnectResponse;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.Id;
import dev.meerkat.wire.proto.OpCode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Session timeouts, pings, expiry, close, re-attach and the lastZxidSeen check. tickTime 100: timeouts 200..2000 ms. */
class SessionsTest {
    private static final List<org.apache.zookeeper.data.ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final List<ACL> RAW_OPEN = List.of(new ACL(31, new Id("world", "anyone")));
    private static Meerkat meerkat;
    private static Zk.Events events;
    private static ZooKeeper zk;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Meerkat.start(Zk.config().withTickTime(100));
        events = new Zk.Events();
        zk = Zk.connect(meerkat.connectString(), events);
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) zk.close();
        if (meerkat != null) meerkat.close();
    }

    @Test
    void negotiatedTimeoutIsClampedToMinAndMax() throws Exception {
        try (ZooKeeper low = new ZooKeeper(meerkat.connectString(), 10, new Zk.Events());
             ZooKeeper high = new ZooKeeper(meerkat.connectString(), 1_000_000, new Zk.Events())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> low.getState().isConnected() && high.getState().isConnected());
            assertThat(low.getSessionTimeout()).isEqualTo(200);
            assertThat(high.getSessionTimeout()).isEqualTo(2000);
        }
    }

    @Test
    void pingsKeepAnIdleSessionAlivePastSeveralTimeouts() throws Exception {
        Zk.Events ev = new Zk.Events();
        try (ZooKeeper idle = new ZooKeeper(meerkat.connectString(), 300, ev)) {
            ev.awaitConnected();
            long id = idle.getSessionId();
            idle.create("/s-idle", null, OPEN, CreateMode.EPHEMERAL);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> idle.getState() == ZooKeeper.States.CONNECTED && ev.states.isEmpty());
            assertThat(zk.exists("/s-idle", false).getEphemeralOwner()).isEqualTo(id);
        }
    }

    @Test
    void expiryDeletesEphemeralsAndFiresTheirWatches() throws Exception {
        zk.create("/s-exp", null, OPEN, CreateMode.PERSISTENT);
        try (RawClient raw = new RawClient(meerkat.port())) {
            ConnectResponse cr = raw.connect(0, 300, 0, new byte[16]);
            assertThat(cr.timeOut()).isEqualTo(300);
            assertThat(raw.call(OpCode.CREATE, o -> new CreateRequest("/s-exp/e", null, RAW_OPEN, 1).write(o)).err()).isZero();
            events.drain(zk);
            zk.exists("/s-exp/e", true);
            zk.getChildren("/s-exp", true);
            // the raw client never pings: the session expires
            assertThat(events.next()).isIn("NodeDeleted /s-exp/e", "NodeChildrenChanged /s-exp");
            assertThat(events.next()).isIn("NodeDeleted /s-exp/e", "NodeChildrenChanged /s-exp");
            assertThat(zk.exists("/s-exp/e", false)).isNull();
            assertThat(raw.closedByServer()).isTrue();
            // re-attaching to the expired session: the official client sees Expired
            Zk.Events ev = new Zk.Events();
            ZooKeeper late = new ZooKeeper(meerkat.connectString(), 300, ev, cr.sessionId(), cr.passwd());
            assertThat(ev.states.poll(10, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.Expired);
            late.close();
        }
    }

    @Test
    void closeSessionDeletesEphemeralsAtOnce() throws Exception {
        ZooKeeper other = Zk.connect(meerkat.connectString());
        other.create("/s-close", null, OPEN, CreateMode.EPHEMERAL);
        events.drain(zk);
        zk.exists("/s-close", true);
        other.close();
        assertThat(events.drain(zk)).containsExactly("NodeDeleted /s-close");
    }

    @Test
    void reattachWithIdAndPasswordFromANewConnection() throws Exception {
        long id;
        byte[] pw;
        try (RawClient raw = new RawClient(meerkat.port())) {
            ConnectResponse cr = raw.connect(0, 2000, 0, new byte[16]);
            id = cr.sessionId();
            pw = cr.passwd();
            assertThat(raw.call(OpCode.CREATE, o -> new CreateRequest("/s-re", null, RAW_OPEN, 1).write(o)).err()).isZero();
        }
        Zk.Events ev = new Zk.Events();
        try (ZooKeeper again = new ZooKeeper(meerkat.connectString(), 2000, ev, id, pw)) {
            ev.awaitConnected();
            assertThat(again.getSessionId()).isEqualTo(id);
            assertThat(again.getEphemerals()).containsExactly("/s-re");
        }
        assertThat(zk.exists("/s-re", false)).isNull();
    }

    @Test
    void wrongPasswordIsAnsweredAsExpired() throws Exception {
        ZooKeeper owner = Zk.connect(meerkat.connectString());
        try (RawClient raw = new RawClient(meerkat.port())) {
            ConnectResponse cr = raw.connect(0, 2000, owner.getSessionId(), new byte[16]);
            assertThat(cr.timeOut()).isZero();
            assertThat(cr.sessionId()).isZero();
            assertThat(raw.closedByServer()).isTrue();
        }
        Zk.Events ev = new Zk.Events();
        ZooKeeper wrong = new ZooKeeper(meerkat.connectString(), 2000, ev, owner.getSessionId(), new byte[16]);
        assertThat(ev.states.poll(10, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.Expired);
        wrong.close();
        // the owner's session is untouched
        assertThat(owner.exists("/", false)).isNotNull();
        owner.close();
    }

    @Test
    void clientThatHasSeenAFutureZxidIsRefused() throws Exception {
        try (RawClient raw = new RawClient(meerkat.port())) {
            assertThat(raw.connect(Long.MAX_VALUE / 2, 2000, 0, new byte[16])).as("no ConnectResponse").isNull();
        }
        assertThat(zk.exists("/", false)).isNotNull();
    }
}
