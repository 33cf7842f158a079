package dev.meerkat.core.node;

import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A cluster of one voter: an entry is committed as soon as it is durable in the local log. It takes
 * the same path as a cluster (log append, group sync, commit, apply), so a single node exercises the
 * code a cluster runs. On start it takes a new term, as a Raft leader would, and re-commits what the
 * log holds.
 */
final class SoloReplicator implements Replicator {
    private final LogStore log;
    private final long term;
    private final List<LogEntry> pending = new ArrayList<>();
    private long committed;

    SoloReplicator(LogStore log, long selfId) {
        this.log = log;
        HardState hs = log.hardState();
        this.term = hs.term() + 1;
        log.saveHardState(new HardState(term, selfId, hs.commit()));
        this.committed = log.snapshotIndex();
    }

    @Override
    public int propose(List<byte[]> commands) {
        long index = log.lastIndex();
        for (byte[] c : commands) pending.add(new LogEntry(++index, term, EntryKind.COMMAND, c));
        return commands.size();
    }

    @Override
    public List<LogEntry> process() {
        if (!pending.isEmpty()) {
            log.append(pending);
            // One sync for the whole batch: group commit.
            log.sync();
            pending.clear();
        }
        long last = log.lastIndex();
        if (last <= committed) return List.of();
        List<LogEntry> out = new ArrayList<>((int) (last - committed));
        while (committed < last) {
            List<LogEntry> chunk = log.entries(committed + 1, last + 1, 64L << 20);
            out.addAll(chunk);
            committed += chunk.size();
        }
        return out;
    }

    @Override
    public void tick() {
    }

    @Override
    public boolean isLeader() {
        return true;
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }
}
