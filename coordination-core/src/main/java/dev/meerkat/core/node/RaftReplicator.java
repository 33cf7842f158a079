package dev.meerkat.core.node;

import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.raft.Membership;
import dev.meerkat.core.raft.RaftConfig;
import dev.meerkat.core.raft.RaftMessage;
import dev.meerkat.core.raft.RaftNode;
import dev.meerkat.core.raft.Ready;
import dev.meerkat.core.raft.SnapshotSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Drives the pure {@link RaftNode} with real I/O, on the node's log thread: persists what each
 * {@link Ready} asks (one sync per batch: group commit), sends its messages only after that, and
 * hands committed entries on. A single server is a cluster of one voter and takes this same path.
 */
final class RaftReplicator implements Replicator {
    private final RaftNode raft;
    private final LogStore log;
    private final Consumer<RaftMessage> transport;

    RaftReplicator(long selfId, Set<Long> voters, LogStore log, SnapshotSource snapshots, Consumer<RaftMessage> transport) {
        this.log = log;
        this.transport = transport;
        RaftConfig config = RaftConfig.builder(selfId).voters(voters).electionTick(10).heartbeatTick(1)
                .preVote(true).checkQuorum(true).build();
        // The seed only spreads election timeouts; it need not be reproducible in production.
        this.raft = new RaftNode(config, log, snapshots, new Random(System.nanoTime() ^ selfId));
        if (voters.size() == 1 && voters.contains(selfId)) {
            // A lone voter need not wait out an election timeout to lead.
            raft.campaign();
        }
    }

    @Override
    public int propose(List<byte[]> commands) {
        int taken = 0;
        for (byte[] c : commands) {
            if (!raft.propose(c)) break;
            taken++;
        }
        return taken;
    }

    @Override
    public List<LogEntry> process() {
        List<LogEntry> committed = new ArrayList<>();
        while (raft.hasReady()) {
            Ready rd = raft.ready();
            if (rd.snapshot() != null) {
                throw new IllegalStateException("installing a snapshot from a leader needs the cluster transport");
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
            raft.advance(rd);
        }
        return committed;
    }

    @Override
    public void tick() {
        raft.tick();
    }

    @Override
    public boolean isLeader() {
        return raft.isLeader();
    }

    @Override
    public long lastIndex() {
        return raft.lastIndex();
    }

    Membership membership() {
        return raft.membership();
    }
}
