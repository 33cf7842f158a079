package dev.meerkat.core.raft;

import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.raft.RaftMessage.AppendEntries;
import dev.meerkat.core.raft.RaftMessage.AppendResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationTest {

    private static LogEntry cmd(long index, long term) {
        return new LogEntry(index, term, EntryKind.COMMAND, ("e" + index + "t" + term).getBytes());
    }

    /** A follower whose log holds the given terms at indexes 1..n, persisted. */
    private static LocalCluster followerWithLog(long... terms) {
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        List<LogEntry> log = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) log.add(cmd(i + 1, terms[i]));
        c.member(2).store.append(log);
        c.member(2).store.saveHardState(new dev.meerkat.core.log.HardState(terms[terms.length - 1], 0, 0));
        c.member(2).restart();
        return c;
    }

    @Test
    void followerRejectsAppendWhoseLogDoesNotMatch() {
        LocalCluster c = followerWithLog(1, 1, 2);
        RaftNode f = c.node(2);
        f.step(new AppendEntries(1, 2, 3, 3, 3, List.of(cmd(4, 3)), 0)); // we have term 2 at index 3
        AppendResponse r = (AppendResponse) c.takeInFlight().get(0);
        assertThat(r.reject()).isTrue();
        assertThat(r.index()).isEqualTo(3);
        assertThat(f.lastIndex()).isEqualTo(3);
        f.step(new AppendEntries(1, 2, 3, 5, 3, List.of(cmd(6, 3)), 0)); // a gap
        assertThat(((AppendResponse) c.takeInFlight().get(0)).reject()).isTrue();
    }

    @Test
    void followerTruncatesConflictingSuffixButKeepsMatchingEntries() {
        LocalCluster c = followerWithLog(1, 1, 2, 2);
        RaftNode f = c.node(2);
        f.step(new AppendEntries(1, 2, 3, 2, 1, List.of(cmd(3, 3)), 0));
        AppendResponse r = (AppendResponse) c.takeInFlight().get(0);
        assertThat(r.reject()).isFalse();
        assertThat(r.index()).isEqualTo(3);
        assertThat(f.lastIndex()).isEqualTo(3);
        assertThat(f.termAt(3)).isEqualTo(3);
        assertThat(c.member(2).store.term(3)).as("persisted by the driver").isEqualTo(3);
        // An older, shorter append that matches must not truncate anything.
        f.step(new AppendEntries(1, 2, 3, 1, 1, List.of(cmd(2, 1)), 0));
        assertThat(f.lastIndex()).isEqualTo(3);
    }

    @Test
    void rejectionHintSkipsAWholeConflictingTerm() {
        LocalCluster c = followerWithLog(1, 2, 2, 2, 2, 2, 2);
        RaftNode f = c.node(2);
        // Leader has term 3 entries from index 3 on; probes at index 7 with term 3.
        f.step(new AppendEntries(1, 2, 4, 7, 3, List.of(), 0));
        AppendResponse r = (AppendResponse) c.takeInFlight().get(0);
        assertThat(r.reject()).isTrue();
        assertThat(r.rejectHint()).as("last index whose term <= 3").isEqualTo(7);
        assertThat(r.hintTerm()).isEqualTo(2);
    }

    @Test
    void leaderBacksOffFastAndRepairsDivergentFollower() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        // Node 3 misses a long run of entries while partitioned.
        c.isolated.add(3L);
        for (int i = 0; i < 50; i++) c.node(1).propose(("p" + i).getBytes());
        c.deliverAll();
        c.isolated.clear();
        int[] appends = {0};
        c.dropIf = m -> {
            if (m instanceof AppendEntries && m.to() == 3) appends[0]++;
            return false;
        };
        c.tickAll();
        assertThat(c.node(3).lastIndex()).isEqualTo(c.node(1).lastIndex());
        assertThat(c.member(3).appliedCommands()).hasSize(50);
        assertThat(appends[0]).as("no entry-by-entry back-off").isLessThan(10);
    }

    @Test
    void leaderCommitsOnlyEntriesOfItsOwnTermByCounting() {
        // Node 1 has an entry of term 1 that nobody else has; it becomes leader of term 2 later.
        LocalCluster c = new LocalCluster(3, b -> b.preVote(false));
        c.member(1).store.append(List.of(cmd(1, 1)));
        c.member(1).store.saveHardState(new dev.meerkat.core.log.HardState(1, 1, 0));
        c.member(1).restart();
        c.node(1).campaign();
        // Let votes through but hold back every append acknowledgement from node 2.
        List<RaftMessage> held = new ArrayList<>();
        c.dropIf = m -> {
            if (m instanceof AppendResponse && m.from() == 2) {
                held.add(m);
                return true;
            }
            return m.to() == 3 || m.from() == 3;
        };
        c.deliverAll();
        assertThat(c.node(1).isLeader()).isTrue();
        assertThat(c.node(1).term()).isEqualTo(2);
        // Node 2 now holds index 1 (term 1) and the no-op (term 2), but acknowledge only index 1.
        c.dropIf = m -> false;
        c.node(1).step(new AppendResponse(2, 1, 2, 1, false, 0, 0));
        c.flush();
        assertThat(c.node(1).commitIndex()).as("index 1 is on a majority but of an older term").isZero();
        c.node(1).step(new AppendResponse(2, 1, 2, 2, false, 0, 0));
        c.flush();
        assertThat(c.node(1).commitIndex()).as("committing the no-op commits index 1 with it").isEqualTo(2);
        assertThat(c.member(1).applied).extracting(LogEntry::index).containsExactly(1L, 2L);
    }

    @Test
    void appendIsAcknowledgedOnlyTogetherWithPersistingIt() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.node(1).propose("x".getBytes());
        List<RaftMessage> appends = c.takeInFlight();
        RaftMessage toTwo = appends.stream().filter(m -> m.to() == 2).findFirst().orElseThrow();
        c.node(2).step(toTwo);
        Ready r = c.node(2).ready();
        assertThat(r.messages()).singleElement().isInstanceOf(AppendResponse.class);
        assertThat(r.entriesToPersist()).hasSize(1);
        assertThat(r.mustSync()).as("the ack promises durability; the driver syncs before sending").isTrue();
    }

    @Test
    void leaderLimitsInflightAppendsPerFollower() {
        LocalCluster c = new LocalCluster(3, b -> b.maxInflightMessages(2).maxBytesPerAppend(1));
        c.elect(1);
        for (int i = 0; i < 10; i++) c.node(1).propose(("p" + i).getBytes());
        List<RaftMessage> out = c.takeInFlight();
        long toTwo = out.stream().filter(m -> m instanceof AppendEntries a && a.to() == 2 && !a.entries().isEmpty()).count();
        assertThat(toTwo).as("window of 2 messages of one entry each").isEqualTo(2);
        for (RaftMessage m : out) c.deliver(m);
        c.deliverAll();
        assertThat(c.member(2).appliedCommands()).hasSize(10);
    }

    @Test
    void lostAppendsAreResentAfterHeartbeat() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.dropIf = m -> m instanceof AppendEntries;
        c.node(1).propose("x".getBytes());
        c.deliverAll();
        c.dropIf = m -> false;
        c.tickAll();
        c.tickAll();
        assertThat(c.member(2).appliedCommands()).hasSize(1);
        assertThat(c.member(3).appliedCommands()).hasSize(1);
    }

    @Test
    void allNodesApplyTheSameEntriesInOrder() {
        LocalCluster c = new LocalCluster(5);
        c.elect(3);
        for (int i = 0; i < 30; i++) {
            c.node(3).propose(("p" + i).getBytes());
            if (i % 7 == 0) c.tickAll();
        }
        c.deliverAll();
        c.tickAll();
        List<LogEntry> reference = c.member(3).applied;
        assertThat(reference).hasSize(31);
        for (LocalCluster.Member m : c.members.values()) assertThat(m.applied).isEqualTo(reference);
    }

    @Test
    void proposalsAreRefusedWhenTooManyWaitForCommit() {
        LocalCluster c = new LocalCluster(3, b -> b.maxUncommittedEntries(3));
        c.elect(1);
        c.isolated.add(2L);
        c.isolated.add(3L);
        assertThat(c.node(1).propose("a".getBytes())).isTrue();
        assertThat(c.node(1).propose("b".getBytes())).isTrue();
        assertThat(c.node(1).propose("c".getBytes())).isTrue();
        assertThat(c.node(1).propose("d".getBytes())).as("back-pressure").isFalse();
        c.isolated.clear();
        c.tickAll();
        assertThat(c.node(1).propose("d".getBytes())).isTrue();
    }

    @Test
    void followerCommitsNoFurtherThanTheEntriesItGotFromThisAppend() {
        LocalCluster c = followerWithLog(1, 1, 1, 1, 1);
        RaftNode f = c.node(2);
        // Its entries 3..5 may still be replaced: the leader's commit of 5 only covers what it sent.
        f.step(new AppendEntries(1, 2, 2, 1, 1, List.of(cmd(2, 1)), 5));
        assertThat(f.commitIndex()).isEqualTo(2);
    }

    @Test
    void heartbeatNeverCommitsBeyondWhatTheLeaderKnowsMatches() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        c.isolated.add(3L);
        for (int i = 0; i < 5; i++) c.node(1).propose(("p" + i).getBytes());
        c.deliverAll();
        c.isolated.clear();
        c.dropIf = m -> m instanceof AppendEntries && m.to() == 3;
        c.tick(1, 1);
        assertThat(c.node(1).commitIndex()).isEqualTo(6);
        assertThat(c.node(3).commitIndex()).as("node 3 has only index 1, so its heartbeat says 1").isEqualTo(1);
    }

    @Test
    void proposalIsRefusedByFollower() {
        LocalCluster c = new LocalCluster(3);
        c.elect(1);
        assertThat(c.node(2).propose("x".getBytes())).isFalse();
    }
}
