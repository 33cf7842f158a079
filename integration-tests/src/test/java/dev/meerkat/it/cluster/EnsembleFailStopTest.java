package dev.meerkat.it.cluster;

import dev.meerkat.it.hardening.Clients;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.HostProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fail-stop in an ensemble: a server whose disk fails (its log's fsync errors, injected) stops at
 * once and exits non-zero; its clients fail over to the other servers with their sessions, the
 * ensemble goes on, and nothing that was acknowledged is lost.
 */
class EnsembleFailStopTest {

    /** Tries the servers in the given order (the victim first), as a client that happens to land on it. */
    private static final class Ordered implements HostProvider {
        private final List<InetSocketAddress> servers;
        private int next;

        Ordered(List<InetSocketAddress> servers) {
            this.servers = servers;
        }

        @Override
        public int size() {
            return servers.size();
        }

        @Override
        public InetSocketAddress next(long spinDelay) {
            InetSocketAddress a = servers.get(next);
            next = (next + 1) % servers.size();
            return a;
        }

        @Override
        public void onConnected() {
        }

        @Override
        public boolean updateServerList(Collection<InetSocketAddress> serverAddresses, InetSocketAddress currentHost) {
            return false;
        }
    }

    private static List<InetSocketAddress> addresses(String cs) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String hp : cs.split(",")) out.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(hp.substring(hp.indexOf(':') + 1))));
        return out;
    }

    @Test
    void aServerWhoseDiskFailsStopsAndItsClientsFailOverWithNothingAcknowledgedLost(@TempDir Path dir) throws Exception {
        try (MeerkatEnsemble ensemble = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3), Files.createDirectories(dir.resolve("e")))) {
            int leader = ensemble.leader();
            int victim = ensemble.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
            ensemble.setJvmArgs(victim, "-Dmeerkat.fault.logSyncFailsAfter=150");
            ensemble.terminate(victim);
            ensemble.restart(victim);
            ensemble.awaitAllServing(Duration.ofSeconds(60));
            List<Integer> order = new ArrayList<>(List.of(victim));
            for (int id : ensemble.ids()) if (id != victim) order.add(id);
            List<InetSocketAddress> victimFirst = new ArrayList<>();
            for (int id : order) victimFirst.addAll(addresses(ensemble.connectString(id)));

            ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<ZooKeeper> clients = new ArrayList<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                ZooKeeper zk = new ZooKeeper(ensemble.connectString(), 15_000, e -> { }, false, new Ordered(victimFirst));
                await().atMost(Duration.ofSeconds(30)).until(() -> zk.getState().isConnected());
                clients.add(zk);
                int writer = w;
                Thread t = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String path = "/w" + writer + "-" + i;
                        try {
                            zk.create(path, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                            acked.add(path);
                        } catch (KeeperException.ConnectionLossException e) {
                            // in flight when the server failed: may or may not have happened, never acknowledged
                        } catch (KeeperException | InterruptedException e) {
                            if (stop.get()) return;
                        }
                    }
                }, "writer-" + w);
                t.start();
                writers.add(t);
            }
            long sessionsBefore = clients.get(0).getSessionId();
            assertThat(ensemble.awaitExit(victim, Duration.ofSeconds(120))).as("exit code of the server whose disk failed").isEqualTo(1);
            int ackedAtFailure = acked.size();
            // the clients carry on, on the other servers, with their sessions
            await("writes go on after the failure").atMost(Duration.ofSeconds(60)).until(() -> acked.size() > ackedAtFailure + 50);
            stop.set(true);
            for (Thread t : writers) t.join(30_000);
            assertThat(clients.get(0).getSessionId()).isEqualTo(sessionsBefore);
            assertThat(clients.get(0).getState().isConnected()).isTrue();
            for (ZooKeeper zk : clients) zk.close();
            try (ZooKeeper check = Clients.connect(ensemble.connectString(order.get(1), order.get(2)))) {
                check.sync("/", (rc, p, c) -> { }, null);
                for (String path : acked) assertThat(check.exists(path, false)).as(path + " was acknowledged").isNotNull();
            }
        }
    }
}
