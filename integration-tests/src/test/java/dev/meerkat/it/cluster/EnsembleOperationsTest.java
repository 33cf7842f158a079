package dev.meerkat.it.cluster;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Observers, a misconfigured ensemble, a missing myid, a graceful hand-over, linearizable reads. */
class EnsembleOperationsTest {

    @Test
    void anObserverReplicatesAndServesButDoesNotVote() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withObservers(1), RunDirs.fresh("observer"))) {
            int observer = 4;
            assertThat(e.mode(observer)).isEqualTo("observer");
            int leader = e.leader();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(e.mntr(leader, "zk_followers")).isEqualTo("2");
                assertThat(e.mntr(leader, "zk_synced_observers")).isEqualTo("1");
            });
            try (ZooKeeper onObserver = EnsembleSmokeTest.connect(e.connectString(observer))) {
                onObserver.create("/via-observer", "o".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThat(new String(onObserver.getData("/via-observer", false, null), StandardCharsets.UTF_8)).isEqualTo("o");
                // Two participants of three keep the quorum; the observer goes on with them.
                int other = e.ids().stream().filter(id -> id != leader && id != observer).findFirst().orElseThrow();
                e.kill(other);
                onObserver.setData("/via-observer", "still".getBytes(StandardCharsets.UTF_8), -1);
                // One participant and an observer are no quorum: the observer does not count.
                e.kill(leader);
                CompletableFuture<Integer> write = new CompletableFuture<>();
                onObserver.setData("/via-observer", "no quorum".getBytes(StandardCharsets.UTF_8), -1, (rc, p, c, s) -> write.complete(rc), null);
                assertThat(write.get(30, TimeUnit.SECONDS)).isNotEqualTo(KeeperException.Code.OK.intValue());
                await("the observer stops serving without a quorum").atMost(Duration.ofSeconds(15))
                        .until(() -> e.fourLetterWord(observer, "ruok").isEmpty());
            }
        }
    }

    @Test
    void aServerWhoseServerListDisagreesStopsAndTheOthersGoOn() throws Exception {
        // Server 3 lists a fourth server that the others do not have.
        MeerkatEnsemble.Options options = MeerkatEnsemble.Options.of(3).withServerConfig(3, "server.4=127.0.0.1:1:0");
        try (MeerkatEnsemble e = MeerkatEnsemble.launchAll(options, RunDirs.fresh("mismatch"))) {
            // Server 3 may stop before it has even printed its ports: wait for the other two only.
            for (int id = 1; id <= 2; id++) e.awaitBound(id);
            ChildJvm misconfigured = e.process(3);
            assertThat(misconfigured.exitCode(Duration.ofSeconds(60))).as("the misconfigured server exits with an error").isNotZero();
            assertThat(misconfigured.stderrTail(20_000)).contains("the server lists disagree");
            await().atMost(Duration.ofSeconds(30)).until(() -> e.mode(1).equals("leader") || e.mode(2).equals("leader"));
            try (ZooKeeper zk = EnsembleSmokeTest.connect(e.connectString(1, 2))) {
                zk.create("/two-of-three", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            assertThat(LeaderKillTest.serverLog(e, 1)).contains("server 3 is configured with the ensemble [1:participant,2:participant,3:participant,4:participant]");
        }
    }

    @Test
    void aServerWithoutMyidStopsWithTheReason() throws Exception {
        Path dir = RunDirs.fresh("no-myid");
        Path data = Files.createDirectories(dir.resolve("data"));
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), String.join("\n", "dataDir=" + data, "clientPort=0",
                "server.1=127.0.0.1:2888:3888", "server.2=127.0.0.1:2889:3889", "server.3=127.0.0.1:2890:3890", ""));
        ChildJvm jvm = ChildJvm.start("no-myid", dir, List.of("-Xmx64m"), "dev.meerkat.server.Main", List.of(cfg.toString()));
        assertThat(jvm.exitCode(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(jvm.stderrTail(4000)).contains("myid is missing");
    }

    @Test
    void aLeaderStoppedWithSigtermHandsOverLeadershipFirst() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(2000), RunDirs.fresh("handover"));
             WriteLoad load = new WriteLoad(e.connectString(), 3, 10_000)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= 200);
            int leader = e.leader();
            long stoppedAt = System.nanoTime();
            assertThat(e.terminate(leader)).as("a clean stop").isEqualTo(143);
            int acks = load.ackCount();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= acks + 200);
            String log = LeaderKillTest.serverLog(e, leader);
            assertThat(log).containsPattern(Pattern.compile("hands leadership to server \\d before stopping"))
                    .contains("handed over leadership before stopping");
            System.out.printf("[ensemble] leader SIGTERM with hand-over: longest write stall %d ms%n",
                    load.longestStallMillis(stoppedAt, System.nanoTime()));
            load.stopWriting();
            assertThat(load.expired()).isZero();
        }
    }

    @Test
    void linearizableReadsNeverAnswerFromACutOffFollower() throws Exception {
        MeerkatEnsemble.Options options = MeerkatEnsemble.Options.of(3).withTickTime(1000).withConfig("meerkat.linearizableReads=true");
        try (MeerkatEnsemble e = MeerkatEnsemble.start(options, RunDirs.fresh("linearizable-reads"))) {
            int leader = e.leader();
            int follower = leader == 3 ? 2 : 3;
            try (ZooKeeper onLeader = EnsembleSmokeTest.connect(e.connectString(leader));
                 ZooKeeper onFollower = EnsembleSmokeTest.connect(e.connectString(follower))) {
                onLeader.create("/lr", "1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThat(new String(onFollower.getData("/lr", false, null), StandardCharsets.UTF_8))
                        .as("a linearizable read sees the write it follows, on any server").isEqualTo("1");
                e.partition(Set.of(follower));
                onLeader.setData("/lr", "2".getBytes(StandardCharsets.UTF_8), -1);
                CompletableFuture<String> read = new CompletableFuture<>();
                onFollower.getData("/lr", false, (rc, path, ctx, data, stat) ->
                        read.complete(rc == 0 ? new String(data, StandardCharsets.UTF_8) : "error " + rc), null);
                assertThat(read.get(30, TimeUnit.SECONDS)).as("no stale value from the cut-off follower").isNotEqualTo("1");
                e.heal();
            }
        }
    }
}
