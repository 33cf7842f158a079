package dev.meerkat.it.cluster;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Changing a running Meerkat ensemble with ZooKeeper's reconfig, under 4 writers and a Curator
 * lock/leader-latch workload: nothing acknowledged is lost, no session expires, and every change's
 * longest pause in acknowledged writes is reported.
 */
public class ReconfigTest {
    /** super:test, as ZooKeeper's DigestAuthenticationProvider.generateDigest makes it. */
    public static final String SUPER = "DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=";
    private static final Pattern SERVER = Pattern.compile("^server\\.(\\d+)=.*:(participant|observer);.*$", Pattern.MULTILINE);

    public static ZooKeeperAdmin admin(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeperAdmin z = new ZooKeeperAdmin(connectString, 15_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        assertThat(connected.await(30, TimeUnit.SECONDS)).as("connected to " + connectString).isTrue();
        z.addAuthInfo("digest", "super:test".getBytes(StandardCharsets.US_ASCII));
        return z;
    }

    /** The participants and observers /zookeeper/config lists, e.g. {1=participant, 2=participant}. */
    public static Map<Integer, String> members(String config) {
        Map<Integer, String> out = new LinkedHashMap<>();
        Matcher m = SERVER.matcher(config);
        while (m.find()) out.put(Integer.parseInt(m.group(1)), m.group(2));
        return out;
    }

    public static List<String> lines(String config) {
        List<String> out = new ArrayList<>();
        for (String l : config.split("\n")) if (l.startsWith("server.")) out.add(l);
        return out;
    }

    /** Runs one reconfig and reports its write stall (the longest gap between acknowledged writes meanwhile). */
    static String change(ZooKeeperAdmin z, WriteLoad load, Map<String, Long> stalls, String name, String joining, String leaving)
            throws Exception {
        long t0 = System.nanoTime();
        byte[] result = z.reconfigure(joining, leaving, null, -1, new Stat());
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        int acks = load.ackCount();
        await("writes after " + name).atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() > acks + 20);
        long stall = load.longestStallMillis(t0, System.nanoTime());
        stalls.put(name, stall);
        System.out.printf("reconfig %s: answered in %d ms, longest write stall %d ms%n", name, took, stall);
        return new String(result, StandardCharsets.UTF_8);
    }

    @Test
    void growThreeToFiveUnderLoadShrinkBackAndRemoveTheLeader() throws Exception {
        Map<String, Long> stalls = new LinkedHashMap<>();
        try (ReconfigurableEnsemble e = ReconfigurableEnsemble.start(RunDirs.fresh("reconfig-grow"), List.of(SUPER), 1, 2, 3);
             ZooKeeperAdmin z = admin(e.connectString(1, 2, 3));
             WriteLoad load = new WriteLoad(e.connectString(1, 2, 3), 4, 10_000);
             CuratorWorkload curator = new CuratorWorkload(e.connectString(1, 2, 3))) {
            Stat stat = new Stat();
            String initial = new String(z.getConfig(false, stat), StandardCharsets.UTF_8);
            assertThat(members(initial)).containsExactly(Map.entry(1, "participant"), Map.entry(2, "participant"), Map.entry(3, "participant"));
            assertThat(initial).endsWith("version=" + Long.toHexString(stat.getMzxid()));
            assertThat(stat.getVersion()).as("ZooKeeper keeps the config node's version at -1").isEqualTo(-1);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() > 100 && curator.increments() > 5);

            // Grow: each new server starts with the ensemble's lines and its own, then joins.
            for (int id : new int[]{4, 5}) {
                List<String> lines = lines(new String(z.getConfig(false, null), StandardCharsets.UTF_8));
                String line = e.serverLine(id, false);
                lines.add(line);
                e.join(id, lines);
                String after = change(z, load, stalls, "add server " + id, line, null);
                assertThat(members(after)).containsEntry(id, "participant");
            }
            e.awaitServing(Duration.ofSeconds(30), 1, 2, 3, 4, 5);
            assertThat(members(new String(z.getConfig(false, null), StandardCharsets.UTF_8))).hasSize(5);
            for (int id = 1; id <= 5; id++) {
                // A follower applies the last change a moment after the leader answered the reconfig.
                int server = id;
                await("conf of server " + id + " shows server 5").atMost(Duration.ofSeconds(10))
                        .until(() -> e.fourLetterWord(server, "conf").contains("server.5="));
                assertThat(e.fourLetterWord(id, "conf")).as("conf of server " + id).contains("server.5=").contains("version=");
            }
            load.updateServerList(e.connectString(1, 2, 3, 4, 5));

            // Shrink back: two servers leave in one request; they stop serving. As ZooKeeper's admin
            // guide has it, the clients are given the new server list first so that they move away.
            load.updateServerList(e.connectString(1, 2, 3));
            String shrunk = change(z, load, stalls, "remove servers 4 and 5", null, "4,5");
            assertThat(members(shrunk).keySet()).containsExactly(1, 2, 3);
            await("removed servers stop serving").atMost(Duration.ofSeconds(30))
                    .until(() -> !e.mode(4).equals("follower") && !e.mode(5).equals("follower") && !e.mode(4).equals("leader"));
            e.stop(4);
            e.stop(5);

            // Remove the leader: it hands its leadership over first. Asked through the servers that stay,
            // as in replaceEveryServerOneByOne: the removed server closes its clients' connections, and
            // a request in flight on one of them ends in ConnectionLoss.
            int leader = e.leader();
            List<Integer> staying = new ArrayList<>(List.of(1, 2, 3));
            staying.remove(Integer.valueOf(leader));
            try (ZooKeeperAdmin viaOthers = admin(e.connectString(staying))) {
                String withoutLeader = change(viaOthers, load, stalls, "remove the leader (server " + leader + ")", null, Integer.toString(leader));
                assertThat(members(withoutLeader)).doesNotContainKey(leader).hasSize(2);
                int newLeader = e.leader();
                assertThat(newLeader).isNotEqualTo(leader);
                // ...and it comes back as a participant, catching up from where it was.
                String back = change(viaOthers, load, stalls, "re-add server " + leader, e.serverLine(leader, false), null);
                assertThat(members(back)).containsEntry(leader, "participant").hasSize(3);
            }
            e.awaitServing(Duration.ofSeconds(30), 1, 2, 3);

            int acks = load.ackCount();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() > acks + 100);
            load.stopWriting();
            curator.stopWorking();
            assertThat(load.expired()).as("no writer's session expired").isZero();
            assertThat(load.unexpected).isEmpty();
            assertThat(curator.sessionsLost()).as("no Curator session was lost").isZero();
            assertThat(curator.counter()).isBetween(curator.increments(), curator.increments() + curator.errors().size());
            assertServersHoldEveryAcknowledgedWrite(e, load, 1, 2, 3);
            System.out.println("reconfig write stalls (ms): " + stalls);
        }
    }

    @Test
    void replaceEveryServerOneByOne() throws Exception {
        Map<String, Long> stalls = new LinkedHashMap<>();
        try (ReconfigurableEnsemble e = ReconfigurableEnsemble.start(RunDirs.fresh("reconfig-replace"), List.of(SUPER), 1, 2, 3);
             WriteLoad load = new WriteLoad(e.connectString(1, 2, 3), 4, 10_000);
             CuratorWorkload curator = new CuratorWorkload(e.connectString(1, 2, 3))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() > 100);
            TreeSet<Integer> members = new TreeSet<>(List.of(1, 2, 3));
            for (int[] swap : new int[][]{{1, 4}, {2, 5}, {3, 6}}) {
                int old = swap[0];
                int fresh = swap[1];
                List<Integer> others = new ArrayList<>(members);
                others.remove(Integer.valueOf(old));
                try (ZooKeeperAdmin z = admin(e.connectString(others))) {
                    List<String> lines = lines(new String(z.getConfig(false, null), StandardCharsets.UTF_8));
                    String line = e.serverLine(fresh, false);
                    lines.add(line);
                    e.join(fresh, lines);
                    String after = change(z, load, stalls, "replace server " + old + " by " + fresh, line, Integer.toString(old));
                    members.remove(old);
                    members.add(fresh);
                    assertThat(members(after).keySet()).containsExactlyElementsOf(members);
                }
                e.stop(old);
                // Applications follow the configuration (ZooKeeper.updateServerList); Curator does so by itself.
                load.updateServerList(e.connectString(members));
            }
            e.awaitServing(Duration.ofSeconds(30), 4, 5, 6);
            int acks = load.ackCount();
            int increments = curator.increments();
            try {
                await("writers and Curator keep working on the new servers only").atMost(Duration.ofSeconds(60))
                        .until(() -> load.ackCount() > acks + 100 && curator.increments() > increments + 5);
            } catch (org.awaitility.core.ConditionTimeoutException t) {
                throw new AssertionError("acks " + acks + " -> " + load.ackCount() + ", Curator increments " + increments + " -> "
                        + curator.increments() + ", Curator errors " + curator.errors(), t);
            }
            load.stopWriting();
            curator.stopWorking();
            assertThat(load.expired()).isZero();
            assertThat(load.unexpected).isEmpty();
            assertThat(curator.sessionsLost()).isZero();
            assertServersHoldEveryAcknowledgedWrite(e, load, 4, 5, 6);
            // Each server wrote ZooKeeper's files: zoo.cfg points at its newest dynamic configuration.
            String cfg = Files.readString(e.configFile(6));
            assertThat(cfg).contains("dynamicConfigFile=").doesNotContain("\nserver.");
            System.out.println("replacement write stalls (ms): " + stalls);
        }
    }

    @Test
    void impossibleChangesGetZooKeepersErrorCodes() throws Exception {
        try (ReconfigurableEnsemble e = ReconfigurableEnsemble.start(RunDirs.fresh("reconfig-errors"), List.of(SUPER), 1, 2, 3);
             ZooKeeperAdmin z = admin(e.connectString(1, 2, 3))) {
            Stat stat = new Stat();
            z.getConfig(false, stat);
            long version = stat.getMzxid();
            assertThatThrownBy(() -> z.reconfigure(null, "3", null, version + 1, new Stat()))
                    .isInstanceOf(KeeperException.BadVersionException.class);
            assertThatThrownBy(() -> z.reconfigure("garbage", null, null, -1, new Stat())).isInstanceOf(KeeperException.BadArgumentsException.class);
            assertThatThrownBy(() -> z.reconfigure(null, null, "", -1, new Stat())).isInstanceOf(KeeperException.MarshallingErrorException.class);
            try (ZooKeeperAdmin anonymous = new ZooKeeperAdmin(e.connectString(1), 15_000, ev -> { })) {
                assertThatThrownBy(() -> anonymous.reconfigure(null, "3", null, -1, new Stat()))
                        .as("only a super user (or one granted WRITE on /zookeeper/config) may").isInstanceOf(KeeperException.NoAuthException.class);
            }
            // Two at once: adding a server that is down takes its catch-up time (initLimit ticks), the second one meanwhile is refused.
            String dead = e.serverLine(7, false);
            Thread first = new Thread(() -> {
                try {
                    z.reconfigure(dead, null, null, -1, new Stat());
                } catch (Exception ex) {
                    throw new AssertionError(ex);
                }
            });
            first.start();
            try (ZooKeeperAdmin other = admin(e.connectString(2))) {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
                    try {
                        other.reconfigure(null, "3", null, -1, new Stat());
                        throw new AssertionError("a second reconfig went through while one was in progress");
                    } catch (KeeperException.ReconfigInProgress ex) {
                        return true;
                    }
                });
            }
            first.join(60_000);
            // As ZooKeeper: a server that is down may be added while the others still form a quorum.
            assertThat(members(new String(z.getConfig(false, null), StandardCharsets.UTF_8))).containsEntry(7, "participant").hasSize(4);
            assertThatThrownBy(() -> z.reconfigure(null, "1,2", null, -1, new Stat())).isInstanceOf(KeeperException.NewConfigNoQuorum.class);
            z.reconfigure(null, "7", null, -1, new Stat());
            assertThat(members(new String(z.getConfig(false, null), StandardCharsets.UTF_8)).keySet()).containsExactly(1, 2, 3);
        }
    }

    /** After the load: the servers agree, and hold every acknowledged write with the stat it was acknowledged with. */
    static void assertServersHoldEveryAcknowledgedWrite(ReconfigurableEnsemble e, WriteLoad load, int... ids) throws Exception {
        Map<Integer, Map<String, TreeDump.Node>> dumps = new LinkedHashMap<>();
        await("the servers agree").atMost(Duration.ofSeconds(30)).until(() -> {
            dumps.clear();
            for (int id : ids) {
                try (ZooKeeper zk = EnsembleSmokeTest.connect(e.connectString(id))) {
                    zk.sync("/load", (rc, path, ctx) -> { }, null);
                    dumps.put(id, TreeDump.of(zk, "/load"));
                }
            }
            return dumps.values().stream().distinct().count() == 1;
        });
        Map<String, TreeDump.Node> first = dumps.get(ids[0]);
        for (Map.Entry<String, WriteLoad.Acked> a : load.acked.entrySet()) {
            if (load.uncertain.contains(a.getKey())) continue;
            TreeDump.Node n = first.get(a.getKey());
            assertThat(n).as("acknowledged " + a.getKey()).isNotNull();
            assertThat(n.czxid()).as("czxid of " + a.getKey()).isEqualTo(a.getValue().czxid());
            assertThat(n.version()).as("version of " + a.getKey()).isEqualTo(a.getValue().version());
            assertThat(n.mzxid()).as("mzxid of " + a.getKey()).isEqualTo(a.getValue().mzxid());
        }
    }
}
