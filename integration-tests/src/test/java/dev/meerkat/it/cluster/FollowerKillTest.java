package dev.meerkat.it.cluster;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of a follower that holds client connections: its clients move to the other servers of
 * their connect string and keep their sessions, their ephemeral nodes and their watches; changes
 * made while they were moving fire their watches after the move (setWatches replay).
 */
class FollowerKillTest {

    /** A client whose watcher records every event it is told. */
    static final class Client implements AutoCloseable {
        final ZooKeeper zk;
        final Set<String> events = ConcurrentHashMap.newKeySet();
        final AtomicInteger expired = new AtomicInteger();
        final AtomicInteger reconnects = new AtomicInteger();

        Client(String connectString) throws Exception {
            CountDownLatch connected = new CountDownLatch(1);
            Watcher watcher = this::record;
            zk = new ZooKeeper(connectString, 6000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    if (connected.getCount() == 0) reconnects.incrementAndGet();
                    connected.countDown();
                }
                if (e.getState() == Watcher.Event.KeeperState.Expired) expired.incrementAndGet();
                watcher.process(e);
            });
            assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
        }

        private void record(WatchedEvent e) {
            if (e.getType() != Watcher.Event.EventType.None) events.add(e.getType() + " " + e.getPath());
        }

        /** The server port the client is connected to (through its proxy), from the client's own description. */
        String remote() {
            return zk.toString();
        }

        @Override
        public void close() throws InterruptedException {
            zk.close();
        }
    }

    @Test
    void clientsOfAKilledFollowerMoveWithTheirSessionsEphemeralsAndWatches() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(1000), RunDirs.fresh("follower-kill"))) {
            int leader = e.leader();
            int follower = leader == 3 ? 2 : 3;
            try (ZooKeeper admin = EnsembleSmokeTest.connect(e.connectString(leader))) {
                admin.create("/eph", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                admin.create("/watched-data", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                admin.create("/watched-children", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                // Only the follower is reachable while the clients connect, so they all land on it.
                for (int id : e.ids()) if (id != follower) e.cutClients(id);
                List<Client> clients = new ArrayList<>();
                List<Long> sessions = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    Client c = new Client(e.connectString());
                    clients.add(c);
                    sessions.add(c.zk.getSessionId());
                    c.zk.create("/eph/c" + k, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                    assertThat(c.zk.exists("/watched-created", true)).isNull();
                    c.zk.getData("/watched-data", true, null);
                    c.zk.getChildren("/watched-children", true);
                }
                for (int id : e.ids()) e.healClients(id);
                // Cutting the leader's client address dropped this test's own connection as well.
                await("the test's client is back").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> admin.getState() == ZooKeeper.States.CONNECTED && admin.exists("/eph", false) != null);

                e.kill(follower);
                // Changes while the clients look for another server: their watches must still fire.
                admin.create("/watched-created", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                admin.setData("/watched-data", "changed".getBytes(), -1);
                admin.create("/watched-children/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                for (Client c : clients) {
                    await("a moved client hears of every change").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                            assertThat(c.events).contains("NodeCreated /watched-created", "NodeDataChanged /watched-data",
                                    "NodeChildrenChanged /watched-children"));
                    assertThat(c.reconnects).as("reconnected").hasValueGreaterThanOrEqualTo(1);
                }
                // For longer than the session timeout, the sessions and their ephemerals stay.
                await("sessions outlive their timeout").during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(9))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> admin.getChildren("/eph", false).size() == 3 && clients.stream().allMatch(c -> c.expired.get() == 0));
                for (int k = 0; k < 3; k++) {
                    Client c = clients.get(k);
                    assertThat(c.expired).hasValue(0);
                    assertThat(c.zk.getSessionId()).isEqualTo(sessions.get(k));
                    Stat stat = admin.exists("/eph/c" + k, false);
                    assertThat(stat).as("ephemeral of client " + k).isNotNull();
                    assertThat(stat.getEphemeralOwner()).isEqualTo(sessions.get(k));
                    // The moved session still writes, through its new server.
                    c.zk.setData("/eph/c" + k, "still here".getBytes(), -1);
                    c.close();
                }
                await("closed sessions take their ephemerals along").atMost(Duration.ofSeconds(10))
                        .until(() -> admin.getChildren("/eph", false).isEmpty());
            }
            e.restart(follower);
            e.awaitAllServing(Duration.ofSeconds(30));
            try (ZooKeeper zk = EnsembleSmokeTest.connect(e.connectString(follower))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/watched-children/child", false) != null);
            }
        }
    }
}
