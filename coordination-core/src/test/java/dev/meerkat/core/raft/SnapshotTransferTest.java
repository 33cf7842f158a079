package dev.meerkat.core.raft;

import dev.meerkat.core.raft.RaftMessage.InstallSnapshotChunk;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotTransferTest {

    private static byte[] snapshotBytes(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * 7);
        return b;
    }

    /** Leader 1 with 20 entries that node 3 missed, compacted away behind a 1000-byte snapshot. */
    private static LocalCluster clusterWithCompactedLeader() {
        LocalCluster c = new LocalCluster(3, b -> b.snapshotChunkBytes(256));
        c.elect(1);
        c.isolated.add(3L);
        for (int i = 0; i < 20; i++) c.node(1).propose(("p" + i).getBytes());
        c.deliverAll();
        LocalCluster.Member leader = c.member(1);
        long applied = leader.node.appliedIndex();
        leader.snapshots.save(applied, leader.node.termAt(applied), leader.node.membership(), snapshotBytes(1000));
        leader.store.compact(applied);
        return c;
    }

    @Test
    void laggingFollowerReceivesSnapshotInChunksThenTheLogAfterIt() {
        LocalCluster c = clusterWithCompactedLeader();
        long snapIndex = c.member(1).snapshots.latest().index();
        java.util.Set<Long> chunkOffsets = new java.util.TreeSet<>();
        c.dropIf = m -> {
            if (m instanceof InstallSnapshotChunk s) chunkOffsets.add(s.offset());
            return false;
        };
        c.isolated.clear();
        c.tickAll();
        assertThat(chunkOffsets).containsExactly(0L, 256L, 512L, 768L);
        LocalCluster.Member f = c.member(3);
        IncomingSnapshot installed = f.readies.stream().map(Ready::snapshot).filter(s -> s != null).findFirst().orElseThrow();
        assertThat(installed.index()).isEqualTo(snapIndex);
        assertThat(installed.sizeBytes()).isEqualTo(1000);
        assertThat(f.snapshots.data()).isEqualTo(snapshotBytes(1000));
        assertThat(f.readies.stream().flatMap(r -> r.snapshotChunks().stream()).map(SnapshotChunk::offset))
                .as("the follower was handed each chunk once, to write, in order").containsExactly(0L, 256L, 512L, 768L);
        assertThat(installed.membership().voters()).containsExactly(1L, 2L, 3L);
        assertThat(f.store.snapshotIndex()).isEqualTo(snapIndex);
        c.node(1).propose("after".getBytes());
        c.deliverAll();
        assertThat(f.node.lastIndex()).isEqualTo(c.node(1).lastIndex());
        assertThat(f.appliedCommands()).extracting(String::new).containsExactly("after");
    }

    @Test
    void lostSnapshotChunkIsResent() {
        LocalCluster c = clusterWithCompactedLeader();
        AtomicBoolean droppedOne = new AtomicBoolean();
        c.dropIf = m -> m instanceof InstallSnapshotChunk s && s.offset() == 512 && droppedOne.compareAndSet(false, true);
        c.isolated.clear();
        for (int i = 0; i < 5; i++) c.tickAll();
        assertThat(droppedOne).isTrue();
        assertThat(c.member(3).store.snapshotIndex()).isEqualTo(c.member(1).snapshots.latest().index());
        assertThat(c.node(3).lastIndex()).isEqualTo(c.node(1).lastIndex());
    }

    @Test
    void restartedFollowerStartsFromInstalledSnapshot() {
        LocalCluster c = clusterWithCompactedLeader();
        c.isolated.clear();
        c.tickAll();
        LocalCluster.Member f = c.member(3);
        f.restart();
        assertThat(f.node.appliedIndex()).isEqualTo(f.snapshots.latest().index());
        assertThat(f.node.commitIndex()).isGreaterThanOrEqualTo(f.snapshots.latest().index());
        assertThat(Arrays.equals(f.snapshots.data(), snapshotBytes(1000))).isTrue();
    }

    @Test
    void snapshotReplacedWhileStreamingIsRestartedWithTheNewest() {
        LocalCluster c = clusterWithCompactedLeader();
        LocalCluster.Member leader = c.member(1);
        long first = leader.snapshots.latest().index();
        AtomicBoolean holdLaterChunks = new AtomicBoolean(true);
        c.dropIf = m -> holdLaterChunks.get() && m instanceof InstallSnapshotChunk s && s.offset() > 0;
        c.isolated.clear();
        c.tickAll(); // node 3 gets the first chunk only
        c.isolated.add(3L);
        leader.node.propose("more".getBytes());
        c.deliverAll();
        long newer = leader.node.appliedIndex();
        assertThat(newer).isGreaterThan(first);
        leader.snapshots.save(newer, leader.node.termAt(newer), leader.node.membership(), snapshotBytes(700));
        leader.store.compact(newer);
        holdLaterChunks.set(false);
        c.isolated.clear();
        for (int i = 0; i < 5; i++) c.tickAll();
        assertThat(c.member(3).store.snapshotIndex()).isEqualTo(newer);
        assertThat(c.member(3).snapshots.data()).isEqualTo(snapshotBytes(700));
        assertThat(c.node(3).lastIndex()).isEqualTo(leader.node.lastIndex());
    }
}
