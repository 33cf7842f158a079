package dev.meerkat.core.node;

import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.raft.IncomingSnapshot;
import dev.meerkat.core.raft.RaftConfig;
import dev.meerkat.core.raft.RaftMessage;
import dev.meerkat.core.raft.RaftNode;
import dev.meerkat.core.raft.ReadState;
import dev.meerkat.core.raft.Ready;
import dev.meerkat.core.raft.SnapshotChunk;
import dev.meerkat.core.storage.SnapshotFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Drives the pure {@link RaftNode} with real I/O, on the node's log thread: this is where the log
 * is written and fsynced. It persists what each {@link Ready} asks (one sync per batch: group
 * commit), writes received snapshot chunks, sends messages only after that, and hands committed
 * entries and answered read indexes on. A single server is a cluster of one voter and takes this
 * same path.
 */
final class RaftReplicator {
    /** What one round of processing produced. */
    record Output(List<LogEntry> committed, List<ReadState> reads) {
        static final Output NONE = new Output(List.of(), List.of());

        boolean isEmpty() {
            return committed.isEmpty() && reads.isEmpty();
        }
    }

    private final RaftNode raft;
    private final LogStore log;
    private final ReceivedSnapshot received;
    /** Restores the state from a received snapshot file (hands it to the tree thread). */
    private final BiConsumer<SnapshotFile, IncomingSnapshot> install;
    private final Consumer<RaftMessage> transport;

    RaftReplicator(RaftConfig config, LogStore log, NodeSnapshots snapshots, ReceivedSnapshot received,
                   BiConsumer<SnapshotFile, IncomingSnapshot> install, Consumer<RaftMessage> transport) {
        this.log = log;
        this.received = received;
        this.install = install;
        this.transport = transport;
        // The seed only spreads election timeouts; it need not be reproducible in production.
        this.raft = new RaftNode(config, log, snapshots, new Random(System.nanoTime() ^ config.selfId()));
        if (raft.membership().voters().size() == 1 && raft.membership().isVoter(config.selfId())) {
            // A lone voter need not wait out an election timeout to lead.
            raft.campaign();
        }
    }

    RaftNode raft() {
        return raft;
    }

    /** Appends commands as new entries if this node leads; returns how many were taken (0 when not leader). */
    int propose(List<byte[]> commands) {
        int taken = 0;
        for (byte[] c : commands) {
            if (!raft.propose(c)) break;
            taken++;
        }
        return taken;
    }

    Output process() {
        if (!raft.hasReady()) return Output.NONE;
        List<LogEntry> committed = new ArrayList<>();
        List<ReadState> reads = new ArrayList<>();
        while (raft.hasReady()) {
            Ready rd = raft.ready();
            for (SnapshotChunk c : rd.snapshotChunks()) received.write(c);
            IncomingSnapshot s = rd.snapshot();
            if (s != null) {
                // Durable as our own snapshot first, then the state, then the log restarts after it:
                // a crash in between finds the snapshot newer than the log and resets the log then.
                SnapshotFile file = received.complete(s);
                install.accept(file, s);
                log.resetToSnapshot(s.index(), s.term());
            }
            if (!rd.entriesToPersist().isEmpty()) log.append(rd.entriesToPersist());
            if (rd.mustSync()) log.sync();
            HardState hs = rd.hardState();
            // Term and vote must be durable before any message depends on them. The commit index
            // need not be: a restarted node learns it again, so saving it alone is a wasted fsync.
            if (hs != null && (hs.term() != log.hardState().term() || hs.votedFor() != log.hardState().votedFor())) {
                log.saveHardState(hs);
            }
            for (RaftMessage m : rd.messages()) transport.accept(m);
            committed.addAll(rd.committedEntries());
            reads.addAll(rd.readStates());
            raft.advance(rd);
        }
        return new Output(committed, reads);
    }
}
