package dev.meerkat.it.cluster;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A network partition between the servers (their peer links cut; clients still reach everyone):
 * the isolated minority commits nothing and answers no sync it cannot vouch for; the majority
 * elects a leader and goes on; the minority stops serving, so its clients move; healing brings
 * every server to the same tree.
 */
class PartitionTest {

    @Test
    void isolatedLeaderCommitsNothingAndTheMajorityGoesOn() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(1000), RunDirs.fresh("partition"))) {
            int oldLeader = e.leader();
            int majority = oldLeader == 1 ? 2 : 1;
            try (ZooKeeper onMajority = EnsembleSmokeTest.connect(e.connectString(majority));
                 ZooKeeper onMinority = EnsembleSmokeTest.connect(e.connectString(oldLeader))) {
                onMajority.create("/p", "1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                await().atMost(Duration.ofSeconds(5)).until(() -> onMinority.exists("/p", false) != null);

                e.partition(Set.of(oldLeader));
                // The isolated leader may take the write, but can never commit it.
                CompletableFuture<Integer> isolatedWrite = new CompletableFuture<>();
                onMinority.setData("/p", "lost".getBytes(StandardCharsets.UTF_8), -1,
                        (rc, path, ctx, stat) -> isolatedWrite.complete(rc), null);

                int newLeader = awaitLeaderAmong(e, Set.of(1, 2, 3), oldLeader);
                // The majority's follower may have dropped its clients while it had no leader (as a
                // ZooKeeper follower does): a connection loss is an unknown outcome, and this write may repeat.
                await("the majority takes a write").atMost(Duration.ofSeconds(30)).ignoreException(KeeperException.ConnectionLossException.class)
                        .until(() -> onMajority.setData("/p", "2".getBytes(StandardCharsets.UTF_8), -1) != null);

                assertThat(isolatedWrite.get(30, TimeUnit.SECONDS)).as("the isolated write is not acknowledged")
                        .isNotEqualTo(KeeperException.Code.OK.intValue());
                // A sync through the minority must not succeed (a read after it would be stale).
                CompletableFuture<Integer> sync = new CompletableFuture<>();
                onMinority.sync("/p", (rc, path, ctx) -> sync.complete(rc), null);
                Integer syncRc = sync.get(30, TimeUnit.SECONDS);
                if (syncRc == KeeperException.Code.OK.intValue()) {
                    assertThat(new String(onMinority.getData("/p", false, null), StandardCharsets.UTF_8))
                            .as("a sync that succeeds is followed by the latest value").isEqualTo("2");
                }
                await("the isolated server stops serving").atMost(Duration.ofSeconds(15))
                        .until(() -> e.fourLetterWord(oldLeader, "ruok").isEmpty());
                String mode = e.mode(newLeader);
                if (!mode.equals("leader")) {
                    System.out.println("srvr of " + newLeader + ": [" + e.fourLetterWord(newLeader, "srvr") + "] mntr: [" + e.fourLetterWord(newLeader, "mntr") + "]");
                    e.dumpThreads();
                }
                assertThat(mode).isEqualTo("leader");

                e.heal();
                e.awaitAllServing(Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(30)).until(() -> e.lastZxids().values().stream().distinct().count() == 1);
                Map<Integer, Map<String, TreeDump.Node>> dumps = new HashMap<>();
                for (int id : e.ids()) {
                    try (ZooKeeper zk = EnsembleSmokeTest.connect(e.connectString(id))) {
                        dumps.put(id, TreeDump.of(zk, "/"));
                        assertThat(new String(zk.getData("/p", false, null), StandardCharsets.UTF_8))
                                .as("server " + id + " after healing").isEqualTo("2");
                    }
                }
                // Behind the proxies each server's zoo.cfg names its peers by different ports, and a static
                // ensemble's /zookeeper/config is each server's own file (as in ZooKeeper): not replicated.
                dumps.values().forEach(d -> d.remove("/zookeeper/config"));
                assertThat(dumps.get(1)).isEqualTo(dumps.get(2)).isEqualTo(dumps.get(3));
            }
        }
    }

    @Test
    void aClientOfTheIsolatedServerMovesToTheMajorityAndKeepsItsSession() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(1000), RunDirs.fresh("partition-client"))) {
            int leader = e.leader();
            int isolated = leader == 3 ? 2 : 3;
            for (int id : e.ids()) if (id != isolated) e.cutClients(id);
            try (FollowerKillTest.Client c = new FollowerKillTest.Client(e.connectString())) {
                for (int id : e.ids()) e.healClients(id);
                long session = c.zk.getSessionId();
                c.zk.create("/mine", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                e.partition(Set.of(isolated));
                await("the client moved off the isolated server").atMost(Duration.ofSeconds(20))
                        .until(() -> c.reconnects.get() >= 1);
                c.zk.setData("/mine", "moved".getBytes(StandardCharsets.UTF_8), -1);
                assertThat(c.zk.getSessionId()).isEqualTo(session);
                assertThat(c.expired).hasValue(0);
                assertThat(c.zk.exists("/mine", false).getEphemeralOwner()).isEqualTo(session);
                e.heal();
                e.awaitAllServing(Duration.ofSeconds(30));
            }
        }
    }

    /** Waits for a leader other than {@code not}. */
    static int awaitLeaderAmong(MeerkatEnsemble e, Set<Integer> ids, int not) {
        int[] found = {0};
        await("a new leader").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (int id : ids) {
                if (id != not && e.mode(id).equals("leader")) {
                    found[0] = id;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
