package dev.meerkat.it.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 5-server ensemble survives two failures: kill -9 of the leader and then of a follower under
 * writers; the three left go on with nothing acknowledged lost, and both killed servers come back
 * and converge.
 */
class FiveServerTest {

    @Test
    void fiveServersSurviveTwoFailures() throws Exception {
        MeerkatEnsemble.Options options = MeerkatEnsemble.Options.of(5).withTickTime(2000);
        try (MeerkatEnsemble e = MeerkatEnsemble.start(options, RunDirs.fresh("five-servers"));
             WriteLoad load = new WriteLoad(e.connectString(), 4, 10_000)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= 200);
            int leader = e.leader();
            e.kill(leader);
            int afterFirst = load.ackCount();
            await("writes go on after the leader died").atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= afterFirst + 200);
            int second = e.leader();
            int follower = e.ids().stream().filter(id -> id != leader && id != second).findFirst().orElseThrow();
            e.kill(follower);
            int afterSecond = load.ackCount();
            await("writes go on with three of five").atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= afterSecond + 200);
            e.restart(leader);
            e.restart(follower);
            e.awaitAllServing(Duration.ofSeconds(60));
            int afterRestart = load.ackCount();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() >= afterRestart + 100);
            load.stopWriting();
            assertThat(load.expired()).isZero();
            assertThat(load.unexpected).isEmpty();
            LeaderKillTest.assertEveryServerHoldsEveryAcknowledgedWrite(e, load);
            Map<Integer, String> modes = new HashMap<>(e.modes());
            assertThat(modes.values()).containsOnly("leader", "follower").filteredOn("leader"::equals).hasSize(1);
        }
    }
}
