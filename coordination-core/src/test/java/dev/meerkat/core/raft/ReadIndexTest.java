package dev.meerkat.core.raft;

import dev.meerkat.core.raft.RaftMessage.AppendResponse;
import dev.meerkat.core.raft.RaftMessage.Heartbeat;
import dev.meerkat.core.raft.RaftMessage.HeartbeatResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReadIndexTest {

    @Test
    void readIndexWaitsForHeartbeatQuorum() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        long commit = c.node(1).commitIndex();
        assertThat(c.node(1).readIndex(7)).isTrue();
        List<RaftMessage> heartbeats = c.takeInFlight();
        assertThat(heartbeats).hasSize(2).allSatisfy(m -> assertThat(((Heartbeat) m).context()).isPositive());
        assertThat(c.member(1).reads).as("not before a quorum confirmed leadership").isEmpty();
        c.node(2).step(heartbeats.get(0).to() == 2 ? heartbeats.get(0) : heartbeats.get(1));
        List<RaftMessage> responses = c.takeInFlight();
        assertThat(responses).singleElement().isInstanceOf(HeartbeatResponse.class);
        c.deliver(responses.get(0));
        assertThat(c.member(1).reads).containsExactly(new ReadState(7, commit));
    }

    @Test
    void isolatedLeaderNeverAnswersReadIndex() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(1L);
        c.node(1).readIndex(1);
        for (int i = 0; i < 30; i++) c.tickAll();
        assertThat(c.member(1).reads).isEmpty();
    }

    @Test
    void followerForwardsReadIndexToLeader() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.node(1).propose("x".getBytes());
        c.deliverAll();
        assertThat(c.node(3).readIndex(99)).isTrue();
        c.deliverAll();
        assertThat(c.member(3).reads).containsExactly(new ReadState(99, c.node(1).commitIndex()));
    }

    @Test
    void readIndexWithoutKnownLeaderIsRefused() {
        LocalCluster c = new LocalCluster(3);
        assertThat(c.node(2).readIndex(1)).isFalse();
    }

    @Test
    void readIndexWaitsUntilLeaderCommittedAnEntryOfItsTerm() {
        LocalCluster c = new LocalCluster(3);
        c.dropIf = m -> m instanceof AppendResponse;
        c.elect(1);
        assertThat(c.node(1).commitIndex()).isZero();
        c.node(1).readIndex(5);
        c.deliverAll();
        assertThat(c.member(1).reads).as("its commit index may be stale until then").isEmpty();
        c.dropIf = m -> false;
        c.tickAll();
        c.tickAll();
        assertThat(c.member(1).reads).containsExactly(new ReadState(5, 1));
    }

    @Test
    void leaseReadIsAnsweredWithoutAHeartbeatRound() {
        LocalCluster c = new LocalCluster(3, b -> b.leaseRead(true));
        c.elect(1);
        c.node(1).readIndex(3);
        assertThat(c.takeInFlight()).isEmpty();
        assertThat(c.member(1).reads).containsExactly(new ReadState(3, c.node(1).commitIndex()));
    }
}
