package dev.meerkat.core.raft;

import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.HardState;
import dev.meerkat.core.raft.RaftMessage.AppendEntries;
import dev.meerkat.core.raft.RaftMessage.RequestVote;
import dev.meerkat.core.raft.RaftMessage.VoteResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ElectionTest {

    @Test
    void followerCampaignsWithinRandomisedElectionTimeout() {
        LocalCluster c = new LocalCluster(3);
        RaftNode n1 = c.node(1);
        int ticks = 0;
        while (n1.role() == RaftRole.FOLLOWER && ticks < 100) {
            n1.tick();
            ticks++;
        }
        assertThat(ticks).isBetween(10, 19);
        assertThat(n1.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
    }

    @Test
    void candidateWithMajorityBecomesLeaderAndCommitsNoop() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        assertThat(c.node(1).term()).isEqualTo(1);
        assertThat(c.node(2).leaderId()).isEqualTo(1);
        assertThat(c.node(3).leaderId()).isEqualTo(1);
        for (long id = 1; id <= 3; id++) {
            assertThat(c.member(id).applied).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(EntryKind.NOOP));
        }
    }

    @Test
    void preVoteDoesNotIncreaseTerm() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(3L);
        for (int i = 0; i < 100; i++) c.tick(3, 1);
        assertThat(c.node(3).term()).as("an isolated node cannot win a pre-vote, so never raises its term").isEqualTo(1);
        assertThat(c.node(3).role()).isEqualTo(RaftRole.PRE_CANDIDATE);
    }

    @Test
    void withoutPreVoteAnIsolatedNodeKeepsRaisingItsTerm() {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        c.elect(1);
        c.isolated.add(3L);
        for (int i = 0; i < 100; i++) c.tick(3, 1);
        assertThat(c.node(3).term()).isGreaterThan(3);
    }

    @Test
    void partitionedNodeRejoiningDoesNotDeposeLeader() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(3L);
        for (int i = 0; i < 100; i++) {
            c.tickAll(); // the healthy majority keeps its leader
        }
        c.isolated.clear();
        for (int i = 0; i < 50; i++) c.tickAll();
        assertThat(c.node(1).isLeader()).isTrue();
        assertThat(c.node(1).term()).isEqualTo(1);
        assertThat(c.node(3).leaderId()).isEqualTo(1);
    }

    @Test
    void partitionedNodeRejoiningDoesNotDeposeLeaderWithPreVoteAlone() {
        LocalCluster c = new LocalCluster(3, b -> b.checkQuorum(false));
        c.elect(1);
        c.isolated.add(3L);
        for (int i = 0; i < 100; i++) c.tickAll();
        c.isolated.clear();
        for (int i = 0; i < 50; i++) c.tickAll();
        assertThat(c.node(1).isLeader()).isTrue();
        assertThat(c.node(1).term()).isEqualTo(1);
    }

    @Test
    void followerThatHeardFromLeaderIgnoresPreVotes() {
        LocalCluster c = new LocalCluster(3, b -> b.checkQuorum(false));
        c.elect(1);
        c.node(2).step(new RequestVote(3, 2, 2, 100, 100, true, false));
        assertThat(c.takeInFlight()).isEmpty();
        c.tick(2, 30); // no leader heard from for a whole election timeout
        c.node(2).step(new RequestVote(3, 2, 2, 100, 100, true, false));
        assertThat(c.takeInFlight()).singleElement()
                .satisfies(m -> assertThat(((VoteResponse) m).granted()).isTrue());
        assertThat(c.node(2).term()).as("pre-votes never change terms").isEqualTo(1);
    }

    @Test
    void candidateBehindInTermsLearnsTheTermFromARejection() {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        c.node(1).step(new RequestVote(2, 1, 7, 0, 0, false, false)); // 1 moves to term 7
        c.takeInFlight();
        c.node(3).campaign(); // term 1
        c.isolated.add(2L);
        c.deliverAll();
        assertThat(c.node(3).term()).isEqualTo(7);
        assertThat(c.node(3).role()).isEqualTo(RaftRole.FOLLOWER);
    }

    @Test
    void followerThatHeardFromLeaderIgnoresVoteRequests() {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        c.elect(1);
        // Node 3 campaigns at a higher term while 2 still hears from leader 1 (leader stickiness).
        c.node(2).step(new RequestVote(3, 2, 5, 100, 100, false, false));
        assertThat(c.takeInFlight()).isEmpty();
        assertThat(c.node(2).term()).isEqualTo(1);
        assertThat(c.node(2).leaderId()).isEqualTo(1);
    }

    @Test
    void nodeGrantsAtMostOneVotePerTerm() {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        RaftNode n1 = c.node(1);
        n1.step(new RequestVote(2, 1, 1, 0, 0, false, false));
        n1.step(new RequestVote(3, 1, 1, 0, 0, false, false));
        n1.step(new RequestVote(2, 1, 1, 0, 0, false, false)); // a retransmission is answered the same
        List<RaftMessage> out = c.takeInFlight();
        assertThat(out).map(m -> ((VoteResponse) m).granted()).containsExactly(true, false, true);
        assertThat(n1.votedFor()).isEqualTo(2);
    }

    @Test
    void voterRejectsCandidateWithStaleLog() {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        c.elect(1);
        c.node(1).propose("x".getBytes());
        c.deliverAll();
        long last = c.node(2).lastIndex();
        c.tick(2, 30); // let 2's lease lapse so it would vote at all
        c.node(2).step(new RequestVote(3, 2, 9, last - 1, 1, false, false));
        VoteResponse r = (VoteResponse) c.takeInFlight().get(0);
        assertThat(r.granted()).isFalse();
        assertThat(c.node(2).term()).as("the higher term is still adopted").isEqualTo(9);
    }

    @Test
    void voteIsPersistedBeforeTheGrantIsSent() {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        RaftNode n1 = c.node(1);
        n1.step(new RequestVote(2, 1, 4, 0, 0, false, false));
        Ready r = n1.ready();
        assertThat(r.messages()).singleElement().isInstanceOf(VoteResponse.class);
        assertThat(r.hardState()).isEqualTo(new HardState(4, 2, 0));
        assertThat(r.mustSync()).isTrue();
    }

    @Test
    void restartedNodeRemembersItsVote() {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        c.node(1).step(new RequestVote(2, 1, 4, 0, 0, false, false));
        c.takeInFlight();
        c.member(1).restart();
        c.node(1).step(new RequestVote(3, 1, 4, 0, 0, false, false));
        VoteResponse r = (VoteResponse) c.takeInFlight().get(0);
        assertThat(r.granted()).isFalse();
        assertThat(c.node(1).votedFor()).isEqualTo(2);
    }

    @Test
    void leaderStepsDownWhenItLosesTheQuorum() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(1L);
        for (int i = 0; i < 25 && c.node(1).isLeader(); i++) c.tick(1, 1);
        assertThat(c.node(1).isLeader()).as("check-quorum").isFalse();
    }

    @Test
    void staleLeaderStepsDownWhenItSeesAHigherTerm() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(1L);
        for (int i = 0; i < 40; i++) {
            c.tick(2, 1);
            c.tick(3, 1);
        }
        RaftNode newLeader = c.node(2).isLeader() ? c.node(2) : c.node(3);
        assertThat(newLeader.isLeader()).isTrue();
        c.node(1).propose("lost".getBytes()); // 1 still thinks it leads (no ticks, no check-quorum)
        c.isolated.clear();
        c.tick(newLeader.id(), 1);
        c.tick(1, 1);
        assertThat(c.node(1).isLeader()).isFalse();
        assertThat(c.node(1).term()).isEqualTo(newLeader.term());
        assertThat(c.member(1).appliedCommands()).isEmpty();
    }

    @Test
    void splitVoteIsResolvedByRandomisedTimeouts() {
        LocalCluster c = new LocalCluster(5);
        for (int i = 0; i < 200 && c.members.values().stream().noneMatch(m -> m.node.isLeader()); i++) c.tickAll();
        assertThat(c.members.values().stream().filter(m -> m.node.isLeader()).count()).isEqualTo(1);
    }

    @Test
    void candidateStepsDownWhenAnotherWinsTheTerm() {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        c.node(3).campaign();
        c.takeInFlight(); // its vote requests are lost
        c.node(3).step(new AppendEntries(1, 3, 1, 0, 0, List.of(), 0));
        assertThat(c.node(3).role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(c.node(3).leaderId()).isEqualTo(1);
    }

    @Test
    void followersThatCannotReachTheirDeadLeaderElectANewOneWithoutWaitingForTheTimeout() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(1L); // the leader's process is gone
        c.node(2).peerUnreachable(1);
        c.node(3).peerUnreachable(1);
        c.deliverAll();
        assertThat(c.node(2).isLeader()).as("the lowest remaining id campaigns at once and wins, with no tick at all").isTrue();
        assertThat(c.node(2).term()).isEqualTo(2);
        for (int i = 0; i < 5; i++) c.tickAll();
        assertThat(c.node(2).isLeader()).as("node 3, whose turn came later, heard from the new leader and did not campaign").isTrue();
        assertThat(c.node(3).term()).isEqualTo(2);
    }

    @Test
    void whenTheFirstInLineCannotWinTheNextOneDoes() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(2L); // node 2 is cut off as well: it cannot get votes
        c.isolated.add(1L);
        c.node(2).peerUnreachable(1);
        c.node(3).peerUnreachable(1);
        c.isolated.remove(2L);
        c.isolated.add(1L);
        c.tick(3, 2);
        c.deliverAll();
        assertThat(c.node(2).isLeader() || c.node(3).isLeader()).as("node 3 campaigned two ticks later").isTrue();
    }

    @Test
    void aFollowerThatWronglyThinksItsLeaderDeadCannotDisruptIt() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.node(3).peerUnreachable(1); // a connection blip on one link only
        c.deliverAll();
        assertThat(c.node(1).isLeader()).as("node 2 still hears from the leader and refuses the pre-vote").isTrue();
        assertThat(c.node(1).term()).isEqualTo(1);
        c.tickAll();
        assertThat(c.node(3).leaderId()).as("the next heartbeat brings node 3 back").isEqualTo(1);
    }

    @Test
    void unreachablePeerThatIsNotTheLeaderChangesNothing() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.node(3).peerUnreachable(2);
        assertThat(c.node(3).leaderId()).isEqualTo(1);
        assertThat(c.node(3).role()).isEqualTo(RaftRole.FOLLOWER);
    }
}
