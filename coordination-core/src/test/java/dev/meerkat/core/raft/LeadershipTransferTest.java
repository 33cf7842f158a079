package dev.meerkat.core.raft;

import dev.meerkat.core.raft.RaftMessage.TimeoutNow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeadershipTransferTest {

    @Test
    void leadershipTransferCatchesUpTargetThenSendsTimeoutNow() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(3L);
        for (int i = 0; i < 5; i++) c.node(1).propose(("p" + i).getBytes());
        c.deliverAll();
        c.isolated.clear();
        List<RaftMessage> seen = new ArrayList<>();
        c.dropIf = m -> {
            seen.add(m);
            return false;
        };
        assertThat(c.node(1).transferLeadership(3)).isTrue();
        c.deliverAll();
        assertThat(c.node(3).isLeader()).isTrue();
        assertThat(c.node(3).term()).isEqualTo(2);
        assertThat(c.node(1).leaderId()).isEqualTo(3);
        assertThat(c.member(3).appliedCommands()).hasSize(5);
        int timeoutNowAt = indexOf(seen, TimeoutNow.class);
        assertThat(timeoutNowAt).isPositive();
        assertThat(seen.subList(0, timeoutNowAt)).anyMatch(m -> m instanceof RaftMessage.AppendEntries a && a.to() == 3 && !a.entries().isEmpty());
    }

    private static int indexOf(List<RaftMessage> messages, Class<?> type) {
        for (int i = 0; i < messages.size(); i++) if (type.isInstance(messages.get(i))) return i;
        return -1;
    }

    @Test
    void transferTargetIgnoresLeaderStickiness() {
        // Followers still hear from the old leader, yet must vote for the transfer target.
        LocalCluster c = new LocalCluster(5);
        c.elect(1);
        c.node(1).transferLeadership(4);
        c.deliverAll();
        assertThat(c.node(4).isLeader()).isTrue();
    }

    @Test
    void proposalsAreRefusedWhileTransferring() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(2L);
        c.node(1).transferLeadership(2);
        assertThat(c.node(1).propose("x".getBytes())).isFalse();
        assertThat(c.node(1).leadTransferee()).isEqualTo(2);
    }

    @Test
    void transferIsAbandonedAfterAnElectionTimeout() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(2L);
        c.node(1).transferLeadership(2);
        for (int i = 0; i < 10; i++) c.tick(1, 1);
        assertThat(c.node(1).isLeader()).isTrue();
        assertThat(c.node(1).leadTransferee()).isZero();
        assertThat(c.node(1).propose("x".getBytes())).isTrue();
    }

    @Test
    void transferToNonVoterIsRefused() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        assertThat(c.node(1).transferLeadership(9)).isFalse();
        assertThat(c.node(1).transferLeadership(1)).isFalse();
        assertThat(c.node(2).transferLeadership(3)).isFalse();
    }
}
