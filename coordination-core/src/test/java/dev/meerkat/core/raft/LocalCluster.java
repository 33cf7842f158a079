package dev.meerkat.core.raft;

import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.MemoryLogStore;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A synchronous, lossless cluster for rule-by-rule unit tests: the test decides exactly when
 * nodes tick and which messages are delivered. Each node is driven exactly as the production
 * driver must drive it (persist, then send, then apply, then advance).
 */
final class LocalCluster {

    static final class Member {
        final long id;
        RaftConfig config;
        MemoryLogStore store = new MemoryLogStore();
        SimSnapshots snapshots = new SimSnapshots();
        RaftNode node;
        final List<LogEntry> applied = new ArrayList<>();
        final List<ReadState> reads = new ArrayList<>();
        final List<Ready> readies = new ArrayList<>();

        Member(long id, RaftConfig config) {
            this.id = id;
            this.config = config;
            this.node = new RaftNode(config, store, snapshots, new SplittableRandom(id));
        }

        /** Simulates a crash and restart from what was persisted. */
        void restart() {
            snapshots.crash();
            node = new RaftNode(config, store, snapshots, new SplittableRandom(id * 31));
        }

        List<byte[]> appliedCommands() {
            List<byte[]> out = new ArrayList<>();
            for (LogEntry e : applied) if (e.kind() == dev.meerkat.core.log.EntryKind.COMMAND) out.add(e.data());
            return out;
        }
    }

    final Map<Long, Member> members = new LinkedHashMap<>();
    final ArrayDeque<RaftMessage> inFlight = new ArrayDeque<>();
    final Set<Long> isolated = new HashSet<>();
    /** Messages this returns true for are dropped; it is asked when a message is sent and again on delivery. */
    Predicate<RaftMessage> dropIf = m -> false;

    LocalCluster(int n, java.util.function.Function<RaftConfig.Builder, RaftConfig.Builder> tweak) {
        Set<Long> voters = new HashSet<>();
        for (long i = 1; i <= n; i++) voters.add(i);
        for (long i = 1; i <= n; i++) {
            members.put(i, new Member(i, tweak.apply(RaftConfig.builder(i).voters(voters)).build()));
        }
    }

    LocalCluster(int n) {
        this(n, b -> b);
    }

    Member add(long id, RaftConfig config) {
        Member m = new Member(id, config);
        members.put(id, m);
        return m;
    }

    RaftNode node(long id) {
        return members.get(id).node;
    }

    Member member(long id) {
        return members.get(id);
    }

    /** Processes every pending Ready of every node, queueing their messages. */
    void flush() {
        boolean any = true;
        while (any) {
            any = false;
            for (Member m : members.values()) {
                while (m.node.hasReady()) {
                    any = true;
                    handleReady(m);
                }
            }
        }
    }

    void handleReady(Member m) {
        Ready r = m.node.ready();
        m.readies.add(r);
        for (SnapshotChunk c : r.snapshotChunks()) m.snapshots.receive(c);
        if (r.snapshot() != null) {
            m.snapshots.install(r.snapshot());
            m.store.resetToSnapshot(r.snapshot().index(), r.snapshot().term());
            m.applied.clear();
        }
        r.persistTo(m.store);
        for (RaftMessage msg : r.messages()) {
            if (isolated.contains(msg.from()) || isolated.contains(msg.to()) || dropIf.test(msg)) continue;
            inFlight.add(msg);
        }
        m.applied.addAll(r.committedEntries());
        m.reads.addAll(r.readStates());
        m.node.advance(r);
    }

    /** Delivers messages (and the messages they cause) until the network is quiet. */
    void deliverAll() {
        flush();
        int guard = 0;
        while (!inFlight.isEmpty()) {
            if (++guard > 1_000_000) throw new IllegalStateException("message storm");
            RaftMessage msg = inFlight.poll();
            Member to = members.get(msg.to());
            if (to == null || isolated.contains(msg.to()) || isolated.contains(msg.from()) || dropIf.test(msg)) continue;
            to.node.step(msg);
            flush();
        }
    }

    /** Ticks every node once and delivers everything that follows. */
    void tickAll() {
        for (Member m : members.values()) m.node.tick();
        deliverAll();
    }

    void tick(long id, int times) {
        for (int i = 0; i < times; i++) {
            node(id).tick();
            deliverAll();
        }
    }

    /** Makes {@code id} leader through a normal election. */
    void elect(long id) {
        node(id).campaign();
        deliverAll();
        if (!node(id).isLeader()) throw new IllegalStateException("node " + id + " did not win: " + node(id));
    }

    /** Takes messages out of the network without delivering them (to inspect or reorder). */
    List<RaftMessage> takeInFlight() {
        flush();
        List<RaftMessage> out = new ArrayList<>(inFlight);
        inFlight.clear();
        return out;
    }

    void deliver(RaftMessage m) {
        members.get(m.to()).node.step(m);
        flush();
    }
}
