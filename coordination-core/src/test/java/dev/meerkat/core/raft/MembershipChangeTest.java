package dev.meerkat.core.raft;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MembershipChangeTest {

    /** Three voters and a fourth node that starts empty and is added as a learner. */
    private static LocalCluster withLearner4() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.add(4, RaftConfig.builder(4).build()); // joining: knows no membership yet
        assertThat(c.node(1).proposeConfigChange(ConfigChange.addLearner(4))).isTrue();
        c.deliverAll();
        c.tickAll();
        return c;
    }

    @Test
    void learnerReplicatesTheLog() {
        LocalCluster c = withLearner4();
        c.node(1).propose("x".getBytes());
        c.deliverAll();
        assertThat(c.member(4).appliedCommands()).extracting(String::new).containsExactly("x");
        assertThat(c.node(4).membership().learners()).containsExactly(4L);
        assertThat(c.node(4).membership().voters()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aLearnerThatNoLongerHearsFromItsLeaderForgetsIt() {
        LocalCluster c = withLearner4();
        assertThat(c.node(4).leaderId()).isEqualTo(1);
        c.isolated.add(4L);
        for (int i = 0; i < 25; i++) c.tick(4, 1);
        assertThat(c.node(4).leaderId()).as("no leader known after an election timeout of silence").isZero();
        assertThat(c.node(4).role()).isEqualTo(RaftRole.FOLLOWER);
        c.isolated.remove(4L);
        c.tickAll();
        assertThat(c.node(4).leaderId()).as("the next heartbeat brings it back").isEqualTo(1);
    }

    @Test
    void learnerDoesNotVote() {
        LocalCluster c = withLearner4();
        // Leader 1 and voter 2 cut off: voter 3 plus learner 4 are not a quorum of {1,2,3}.
        c.isolated.add(1L);
        c.isolated.add(2L);
        for (int i = 0; i < 100; i++) c.tickAll();
        assertThat(c.node(3).isLeader()).isFalse();
        assertThat(c.node(4).role()).as("a learner never campaigns").isEqualTo(RaftRole.FOLLOWER);
        assertThat(c.node(4).term()).isEqualTo(1);
    }

    @Test
    void learnerAckDoesNotCountTowardsCommit() {
        LocalCluster c = withLearner4();
        c.isolated.add(2L);
        c.isolated.add(3L);
        c.node(1).propose("x".getBytes());
        c.deliverAll();
        assertThat(c.node(4).lastIndex()).isEqualTo(c.node(1).lastIndex());
        assertThat(c.member(1).appliedCommands()).isEmpty();
    }

    @Test
    void promotedLearnerVotes() {
        LocalCluster c = withLearner4();
        assertThat(c.node(1).proposeConfigChange(ConfigChange.promoteLearner(4))).isTrue();
        c.deliverAll();
        c.tickAll();
        assertThat(c.node(4).membership().voters()).containsExactly(1L, 2L, 3L, 4L);
        // With 1 and 2 gone, 3 and 4 are not a majority of four; with 2 back they are.
        c.isolated.add(1L);
        c.isolated.add(2L);
        for (int i = 0; i < 60; i++) c.tickAll();
        assertThat(c.node(3).isLeader() || c.node(4).isLeader()).isFalse();
        c.isolated.remove(2L);
        for (int i = 0; i < 60; i++) c.tickAll();
        assertThat(c.node(2).isLeader() || c.node(3).isLeader() || c.node(4).isLeader()).isTrue();
    }

    @Test
    void newVoterCountsAsSoonAsTheConfigEntryIsAppended() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(4L);
        c.isolated.add(3L);
        assertThat(c.node(1).proposeConfigChange(ConfigChange.addVoter(4))).isTrue();
        assertThat(c.node(1).membership().voters()).containsExactly(1L, 2L, 3L, 4L);
        c.node(1).propose("x".getBytes());
        c.deliverAll();
        assertThat(c.member(1).appliedCommands()).as("1 and 2 are not a majority of four").isEmpty();
    }

    @Test
    void removedNodeStopsCampaigning() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        assertThat(c.node(1).proposeConfigChange(ConfigChange.removeNode(3))).isTrue();
        c.deliverAll();
        c.tickAll();
        assertThat(c.node(3).membership().voters()).containsExactly(1L, 2L);
        long term = c.node(3).term();
        c.isolated.add(1L);
        for (int i = 0; i < 100; i++) c.tick(3, 1);
        assertThat(c.node(3).role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(c.node(3).term()).isEqualTo(term);
        assertThat(c.takeInFlight()).isEmpty();
    }

    @Test
    void onlyOneConfigChangeAtATime() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(2L);
        c.isolated.add(3L);
        assertThat(c.node(1).proposeConfigChange(ConfigChange.addLearner(4))).isTrue();
        assertThat(c.node(1).proposeConfigChange(ConfigChange.addLearner(5))).as("first is uncommitted").isFalse();
        c.isolated.clear();
        c.tickAll();
        assertThat(c.node(1).proposeConfigChange(ConfigChange.addLearner(5))).isTrue();
    }

    @Test
    void newLeaderChangesMembershipOnlyAfterCommittingInItsTerm() {
        LocalCluster c = new LocalCluster(3);
        c.dropIf = m -> m instanceof RaftMessage.AppendResponse;
        c.elect(1);
        assertThat(c.node(1).proposeConfigChange(ConfigChange.addLearner(4))).isFalse();
    }

    @Test
    void leaderRefusesToRemoveItselfAndNonsenseChanges() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        assertThat(c.node(1).proposeConfigChange(ConfigChange.removeNode(1))).isFalse();
        assertThat(c.node(1).proposeConfigChange(ConfigChange.addVoter(2))).isFalse();
        assertThat(c.node(1).proposeConfigChange(ConfigChange.promoteLearner(2))).isFalse();
        assertThat(c.node(1).proposeConfigChange(ConfigChange.removeNode(9))).isFalse();
        assertThat(c.node(2).proposeConfigChange(ConfigChange.addLearner(4))).isFalse();
    }

    @Test
    void proposeConfigTakesOneServerStepAtATimeWithTrailingData() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        byte[] trailer = {1, 2, 3};
        Membership twoSteps = new Membership(Set.of(1L, 2L, 3L, 4L), Set.of(5L));
        assertThat(c.node(1).proposeConfig(twoSteps.encode())).as("two servers at once").isFalse();
        Membership demoteLeader = new Membership(Set.of(2L, 3L), Set.of(1L));
        assertThat(c.node(1).proposeConfig(demoteLeader.encode())).as("the leader itself").isFalse();
        byte[] withTrailer = concat(new Membership(Set.of(1L, 2L, 3L), Set.of(4L)).encode(), trailer);
        assertThat(c.node(2).proposeConfig(withTrailer)).as("not the leader").isFalse();
        assertThat(c.node(1).proposeConfig(withTrailer)).isTrue();
        assertThat(c.node(1).configChangeAllowed()).as("one uncommitted change at a time").isFalse();
        c.deliverAll();
        c.tickAll();
        assertThat(c.node(2).membership().learners()).containsExactly(4L);
        assertThat(c.node(1).configChangeAllowed()).isTrue();
        // Demoting a voter is one step too; restating the same membership is allowed.
        assertThat(c.node(1).proposeConfig(new Membership(Set.of(1L, 2L), Set.of(3L, 4L)).encode())).isTrue();
        c.deliverAll();
        c.tickAll();
        assertThat(c.node(3).membership().voters()).containsExactly(1L, 2L);
        assertThat(c.node(1).proposeConfig(c.node(1).membership().encode())).isTrue();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void membershipIsRecoveredFromTheLogOnRestart() {
        LocalCluster c = withLearner4();
        c.member(2).restart();
        assertThat(c.node(2).membership()).isEqualTo(new Membership(Set.of(1L, 2L, 3L), Set.of(4L)));
    }

    @Test
    void membershipEncodingRoundTrips() {
        Membership m = new Membership(Set.of(1L, 5L, 9L), Set.of(7L));
        assertThat(Membership.decode(m.encode())).isEqualTo(m);
        assertThat(m.quorum()).isEqualTo(2);
        assertThat(m.apply(ConfigChange.promoteLearner(7)).quorum()).isEqualTo(3);
    }
}
