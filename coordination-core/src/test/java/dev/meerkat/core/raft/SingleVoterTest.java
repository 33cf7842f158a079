package dev.meerkat.core.raft;

import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.MemoryLogStore;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SingleVoterTest {

    private final MemoryLogStore store = new MemoryLogStore();
    private final RaftNode node = new RaftNode(RaftConfig.builder(1).voters(Set.of(1L)).build(), store,
            SnapshotSource.NONE, new SplittableRandom(1));

    private Ready persist() {
        Ready r = node.ready();
        store.append(r.entriesToPersist());
        if (r.mustSync()) store.sync();
        if (r.hardState() != null) store.saveHardState(r.hardState());
        assertThat(r.messages()).isEmpty();
        node.advance(r);
        return r;
    }

    @Test
    void singleVoterElectsItselfOnFirstTick() {
        node.tick();
        assertThat(node.isLeader()).isTrue();
        assertThat(node.term()).isEqualTo(1);
    }

    @Test
    void singleVoterCommitsAfterPersist() {
        node.tick();
        persist(); // no-op of the new term
        persist(); // commits the no-op
        assertThat(node.propose("hello".getBytes())).isTrue();
        assertThat(node.hasReady()).isTrue();
        Ready first = node.ready();
        assertThat(first.entriesToPersist()).hasSize(1);
        assertThat(first.committedEntries()).as("not committed before it is durable").isEmpty();
        store.append(first.entriesToPersist());
        store.sync();
        node.advance(first);
        assertThat(node.hasReady()).isTrue();
        Ready second = persist();
        assertThat(second.committedEntries()).singleElement()
                .satisfies(e -> assertThat(new String(e.data())).isEqualTo("hello"))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(EntryKind.COMMAND));
        assertThat(store.hardState().commit()).isEqualTo(second.committedEntries().get(0).index());
        assertThat(node.hasReady()).isFalse();
    }

    @Test
    void singleVoterRestartsAndKeepsCommittedEntries() {
        node.tick();
        persist();
        persist();
        node.propose("a".getBytes());
        persist();
        persist();
        RaftNode restarted = new RaftNode(RaftConfig.builder(1).voters(Set.of(1L)).build(), store,
                SnapshotSource.NONE, new SplittableRandom(2));
        assertThat(restarted.commitIndex()).isEqualTo(2);
        assertThat(restarted.term()).isEqualTo(1);
        restarted.tick();
        assertThat(restarted.isLeader()).isTrue();
        assertThat(restarted.term()).isEqualTo(2);
        Ready r = restarted.ready();
        assertThat(r.committedEntries()).as("re-delivered from the snapshot point").hasSize(2);
    }

    @Test
    void singleVoterReadIndexIsAnsweredAtOnce() {
        node.tick();
        persist();
        persist();
        assertThat(node.readIndex(42)).isTrue();
        Ready r = persist();
        assertThat(r.readStates()).containsExactly(new ReadState(42, node.commitIndex()));
    }
}
