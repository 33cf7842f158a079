package dev.meerkat.it.cluster;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.ZooKeeperMain;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After a reconfiguration clients learn the new server list as ZooKeeper's do: a watch on
 * {@code /zookeeper/config} fires, the client hands the new list to
 * {@link ZooKeeper#updateServerList} (Curator's EnsembleTracker does it by itself), and the
 * connections spread over the grown ensemble. zkCli's {@code config} and {@code reconfig} work.
 */
class ClientRebalancingTest {
    private static final Pattern CLIENT = Pattern.compile("^server\\.\\d+=[^;]*;(?:[^:]*:)?(\\d+)$", Pattern.MULTILINE);
    private static final int CLIENTS = 30;

    /**
     * The client addresses a configuration lists, as a connect string, by name: ZooKeeper's client
     * recognises the server it is connected to in a new list by host name (an IP literal it has
     * since resolved does not match, and it would move on every change).
     */
    static String clientAddresses(String config) {
        List<String> out = new ArrayList<>();
        Matcher m = CLIENT.matcher(config);
        while (m.find()) out.add("localhost:" + m.group(1));
        return String.join(",", out);
    }

    @Test
    void clientsFollowTheConfigurationAndSpreadOverNewServers() throws Exception {
        try (ReconfigurableEnsemble e = ReconfigurableEnsemble.start(RunDirs.fresh("rebalancing"), List.of(ReconfigTest.SUPER), 1, 2, 3)) {
            List<ZooKeeper> clients = new ArrayList<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger disconnects = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger updates = new java.util.concurrent.atomic.AtomicInteger();
            CuratorFramework curator = CuratorFrameworkFactory.builder().connectString(e.connectString(1, 2, 3))
                    .sessionTimeoutMs(10_000).retryPolicy(new ExponentialBackoffRetry(100, 10)).build();
            try {
                curator.start();
                assertThat(curator.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < CLIENTS; i++) {
                    ZooKeeper[] self = new ZooKeeper[1];
                    Watcher[] follow = new Watcher[1];
                    // What ZooKeeper's documentation asks of a client: watch the configuration and
                    // hand every new version to updateServerList.
                    follow[0] = (WatchedEvent ev) -> {
                        if (ev.getState() == Watcher.Event.KeeperState.Disconnected) disconnects.incrementAndGet();
                        if (ev.getType() != Watcher.Event.EventType.NodeDataChanged) return;
                        updates.incrementAndGet();
                        try {
                            String config = new String(self[0].getConfig(follow[0], null), StandardCharsets.UTF_8);
                            self[0].updateServerList(clientAddresses(config));
                        } catch (Exception ex) {
                            failures.add(ex.toString());
                        }
                    };
                    self[0] = EnsembleSmokeTest.connect(e.connectString(1, 2, 3).replace("127.0.0.1", "localhost"));
                    self[0].getConfig(follow[0], null);
                    clients.add(self[0]);
                }
                try (var z = ReconfigTest.admin(e.connectString(1, 2, 3))) {
                    for (int id : new int[]{4, 5}) {
                        List<String> lines = ReconfigTest.lines(new String(z.getConfig(false, null), StandardCharsets.UTF_8));
                        String line = e.serverLine(id, false);
                        lines.add(line);
                        e.join(id, lines);
                        z.reconfigure(line, null, null, -1, null);
                    }
                }
                e.awaitServing(Duration.ofSeconds(60), 1, 2, 3, 4, 5);
                String five = e.connectString(5);
                await("Curator's EnsembleTracker follows the configuration").atMost(Duration.ofSeconds(30))
                        .until(() -> curator.getZookeeperClient().getCurrentConnectionString().contains(five));

                // ZooKeeper's client moves each connection with the probability that balances the
                // load: 2 in 5 of them onto the two new servers, in expectation.
                try {
                    await("every client connected somewhere").atMost(Duration.ofSeconds(30))
                            .until(() -> java.util.stream.IntStream.rangeClosed(1, 5).map(id -> connections(e, id)).sum() >= CLIENTS + 1);
                } catch (org.awaitility.core.ConditionTimeoutException t) {
                    for (int id = 1; id <= 5; id++) System.out.println("[rebalancing] cons " + id + ":\n" + e.fourLetterWord(id, "cons"));
                    for (ZooKeeper zk : clients) System.out.println("[rebalancing] client " + zk.getState() + " " + zk.toString().replaceAll(".*(remoteserver:\\S+).*", "$1"));
                    System.out.println("[rebalancing] proxies " + e.connectString(1, 2, 3, 4, 5));
                    throw t;
                }
                assertThat(connections(e, 4) + connections(e, 5)).as("moved to the new servers").isGreaterThanOrEqualTo(3);
                assertThat(connections(e, 1) + connections(e, 2) + connections(e, 3)).as("stayed").isGreaterThanOrEqualTo(3);
                Map<Integer, Integer> spread = new java.util.TreeMap<>();
                for (int id = 1; id <= 5; id++) spread.put(id, connections(e, id));
                System.out.println("[rebalancing] client connections per server after growing 3 -> 5: " + spread
                        + " (" + updates.get() + " configuration changes seen, " + disconnects.get() + " disconnections)");
                for (ZooKeeper zk : clients) assertThat(zk.getState().isConnected()).isTrue();
                assertThat(failures).isEmpty();
                assertThat(curator.checkExists().forPath("/zookeeper/config")).isNotNull();

                // zkCli: config prints it; reconfig changes it.
                String shown = zkCli(e.connectString(5), "config");
                assertThat(shown).contains("server.5=").contains("version=");
                String removed = zkCli(e.connectString(5), "addauth digest super:test", "reconfig -remove 4");
                assertThat(removed).doesNotContain("server.4=").contains("server.5=");
                await().atMost(Duration.ofSeconds(30)).until(() -> !curator.getZookeeperClient().getCurrentConnectionString()
                        .contains(e.connectString(4)));
            } finally {
                for (ZooKeeper zk : clients) zk.close();
                curator.close();
            }
        }
    }

    /** Client connections a server holds (less the one asking). */
    private static int connections(ReconfigurableEnsemble e, int id) {
        String n = e.mntr(id, "zk_num_alive_connections");
        return n.isEmpty() ? 0 : Integer.parseInt(n) - 1;
    }

    /**
     * Where zkCli's commands print: they take System.out once, when ZooKeeperMain's class is first
     * used, so the stream they keep is one whose target the test can switch.
     */
    private static final class SwitchableOut extends java.io.OutputStream {
        private final PrintStream original;
        private volatile java.io.OutputStream target;

        SwitchableOut(PrintStream original) {
            this.original = original;
            this.target = original;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            target.write(b, off, len);
        }
    }

    private static SwitchableOut zkCliOut;

    /** Runs zkCli lines in this JVM, on a ZooKeeperAdmin connection as zkCli makes one, and returns what they printed. */
    private static synchronized String zkCli(String server, String... lines) throws Exception {
        if (zkCliOut == null) {
            PrintStream original = System.out;
            zkCliOut = new SwitchableOut(original);
            System.setOut(new PrintStream(zkCliOut, true, StandardCharsets.UTF_8));
            try {
                ZooKeeperMain.getCommands(); // the commands take their stream now
            } finally {
                System.setOut(original);
            }
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        zkCliOut.target = captured;
        try (var admin = ReconfigTest.admin(server)) {
            ZooKeeperMain main = new ZooKeeperMain(admin);
            for (String line : lines) main.executeLine(line);
        } finally {
            zkCliOut.target = zkCliOut.original;
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
