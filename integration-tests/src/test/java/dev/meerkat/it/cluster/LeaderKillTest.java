package dev.meerkat.it.cluster;

import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of the leader of a 3-server ensemble under 4 concurrent writers: nothing acknowledged is
 * lost on any server, every server ends with the same tree (same zxids and Stat fields), no session
 * expires, writes resume under a new leader; the killed server comes back and catches up, from the
 * log after a short absence and from a snapshot after a long one.
 */
class LeaderKillTest {

    @Test
    void leaderKilledUnderWritersLosesNothingAndTheServerCatchesUpFromTheLog() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(2000), RunDirs.fresh("leader-kill"));
             WriteLoad load = new WriteLoad(e.connectString(), 4, 10_000)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= 400);
            int leader = e.leader();
            long killedAt = System.nanoTime();
            e.kill(leader);
            int acksAtKill = load.ackCount();
            await("writes resume under a new leader").atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= acksAtKill + 400);
            int next = e.leader();
            assertThat(next).isNotEqualTo(leader);
            long stallMs = load.longestStallMillis(killedAt, System.nanoTime());
            long firstMs = load.firstAckAfterMillis(killedAt);

            e.restart(leader);
            e.awaitAllServing(Duration.ofSeconds(30));
            int acksAtRestart = load.ackCount();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= acksAtRestart + 200);
            load.stopWriting();

            assertThat(load.expiredSessions).as("no session expired").hasValue(0);
            assertThat(load.unexpected).as("no write failed but for connection loss").isEmpty();
            assertEveryServerHoldsEveryAcknowledgedWrite(e, load);
            assertThat(serverLog(e, leader)).as("a short absence is caught up from the log").doesNotContain("installed snapshot");
            System.out.printf("[ensemble] leader kill -9 under 4 writers: longest write stall %d ms, first write acknowledged %d ms"
                    + " after the kill; %d writes acknowledged, %d uncertain%n", stallMs, firstMs, load.ackCount(), load.uncertain.size());
        }
    }

    @Test
    void aServerDownPastLogCompactionCatchesUpFromASnapshot() throws Exception {
        MeerkatEnsemble.Options options = MeerkatEnsemble.Options.of(3).withTickTime(2000).withSnapCount(150);
        try (MeerkatEnsemble e = MeerkatEnsemble.start(options, RunDirs.fresh("snapshot-catch-up"));
             WriteLoad load = new WriteLoad(e.connectString(), 4, 10_000)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= 200);
            int leader = e.leader();
            int follower = leader == 3 ? 2 : 3;
            e.kill(follower);
            int acksAtKill = load.ackCount();
            // Several snapshots (three are kept) and compactions happen while it is away.
            await().atMost(Duration.ofSeconds(60)).until(() -> load.ackCount() >= acksAtKill + 1500);
            e.restart(follower);
            e.awaitAllServing(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).until(() -> serverLog(e, follower).contains("installed snapshot"));
            int acksAtRestart = load.ackCount();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= acksAtRestart + 200);
            load.stopWriting();
            assertThat(load.expiredSessions).hasValue(0);
            assertThat(load.unexpected).isEmpty();
            assertEveryServerHoldsEveryAcknowledgedWrite(e, load);
        }
    }

    static void assertEveryServerHoldsEveryAcknowledgedWrite(MeerkatEnsemble e, WriteLoad load) throws Exception {
        await("every server applied the same last zxid").atMost(Duration.ofSeconds(30))
                .until(() -> e.lastZxids().values().stream().distinct().count() == 1 && e.lastZxids().size() == e.ids().size());
        Map<Integer, Map<String, TreeDump.Node>> dumps = new HashMap<>();
        for (int id : e.ids()) {
            try (ZooKeeper zk = EnsembleSmokeTest.connect(e.connectString(id))) {
                dumps.put(id, TreeDump.of(zk, "/load"));
            }
        }
        Map<String, TreeDump.Node> first = dumps.get(1);
        for (int id : e.ids()) assertThat(dumps.get(id)).as("server " + id + "'s tree equals server 1's").isEqualTo(first);
        for (Map.Entry<String, WriteLoad.Acked> a : load.acked.entrySet()) {
            if (load.uncertain.contains(a.getKey())) continue;
            TreeDump.Node n = first.get(a.getKey());
            assertThat(n).as("acknowledged " + a.getKey()).isNotNull();
            assertThat(n.czxid()).as("czxid of " + a.getKey()).isEqualTo(a.getValue().czxid());
            assertThat(n.version()).as("version of " + a.getKey()).isEqualTo(a.getValue().version());
            assertThat(n.mzxid()).as("mzxid of " + a.getKey()).isEqualTo(a.getValue().mzxid());
        }
    }

    static String serverLog(MeerkatEnsemble e, int id) {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(e.logDir())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("server-" + id + "-") && f.toString().endsWith(".err")).toList()) {
                all.append(ChildJvm.read(f));
            }
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return all.toString();
    }
}
