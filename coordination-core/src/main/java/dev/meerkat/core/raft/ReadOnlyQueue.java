package dev.meerkat.core.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Read-index requests waiting for the leader to confirm it is still leader. Each request gets a
 * sequence number; heartbeats carry the newest one, and a follower's answer to heartbeat k
 * vouches for every request numbered up to k (they were all registered before it was sent).
 * Once a quorum vouches for a request, it and every earlier one can be answered.
 */
final class ReadOnlyQueue {

    record Pending(long seq, long requestId, long from, long index, Set<Long> acks) {
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long nextSeq = 1;

    /** Registers a read whose answer is {@code commitIndex}; returns the heartbeat context to send. */
    long add(long requestId, long from, long commitIndex, long self) {
        Pending p = new Pending(nextSeq++, requestId, from, commitIndex, new HashSet<>());
        p.acks().add(self);
        pending.addLast(p);
        return p.seq();
    }

    /** The context heartbeats should carry: the newest pending read, or 0. */
    long lastContext() {
        Pending last = pending.peekLast();
        return last == null ? 0 : last.seq();
    }

    /** Records that {@code from} confirmed heartbeat {@code context}; returns the reads now confirmed. */
    List<Pending> ack(long from, long context, Predicate<Set<Long>> hasQuorum) {
        if (context == 0 || pending.isEmpty()) return List.of();
        Pending lastConfirmed = null;
        for (Pending p : pending) {
            if (p.seq() > context) break;
            p.acks().add(from);
            if (hasQuorum.test(p.acks())) lastConfirmed = p;
        }
        if (lastConfirmed == null) return List.of();
        List<Pending> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peekFirst().seq() <= lastConfirmed.seq()) {
            out.add(pending.pollFirst());
        }
        return out;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Leadership lost: nobody will answer these; the callers time out and retry. */
    void clear() {
        pending.clear();
    }
}
