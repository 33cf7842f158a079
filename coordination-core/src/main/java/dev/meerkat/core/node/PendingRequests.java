package dev.meerkat.core.node;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.command.OpResult;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client requests of this server waiting for the log: writes (answered when their entry is applied
 * here) and read barriers (answered once this server has applied up to a read index).
 *
 * <p>Each request records the forwarding epoch in which it left this server (proposed as leader,
 * or forwarded to a leader). When the epoch ends (a new term, a new leader, a broken link to it),
 * this server can no longer know whether such a request will ever be applied, so it is failed
 * with CONNECTIONLOSS, as ZooKeeper fails requests in flight when a server loses its leader. An
 * entry applied after that finds nobody waiting and answers nobody: a request is never answered
 * twice, and nothing is answered as done that was not applied.
 *
 * <p>Request ids carry a random incarnation in their high bits, so that entries a previous run of
 * this server left in the log can never complete a request of this run.
 */
final class PendingRequests {
    static final long UNSENT = -1;

    private static final class Pending {
        final Completion<OpResult> completion;
        volatile long sentEpoch = UNSENT;

        Pending(Completion<OpResult> completion) {
            this.completion = completion;
        }
    }

    private final Map<Long, Pending> waiting = new ConcurrentHashMap<>();
    private final long incarnation = (ThreadLocalRandom.current().nextLong(1, 1L << 22)) << 40;
    private final AtomicLong counter = new AtomicLong();
    private final AtomicInteger sent = new AtomicInteger();

    /** Any thread. */
    long register(Completion<OpResult> completion) {
        long id = incarnation | (counter.incrementAndGet() & ((1L << 40) - 1));
        waiting.put(id, new Pending(completion));
        return id;
    }

    /** Whether a request still waits for its answer. */
    boolean isWaiting(long id) {
        return waiting.containsKey(id);
    }

    /** A request that never reached the log thread (its inbox was full). */
    void forget(long id) {
        waiting.remove(id);
    }

    /** Log thread: the request left this server in {@code epoch}. */
    void markSent(long id, long epoch) {
        Pending p = waiting.get(id);
        if (p != null && p.sentEpoch == UNSENT) {
            p.sentEpoch = epoch;
            sent.incrementAndGet();
        }
    }

    /** How many requests have left this server and wait for their outcome. */
    int inFlight() {
        return Math.max(0, sent.get());
    }

    /** Tree thread: answers a request; false when nobody waits for it (any more). */
    boolean complete(long id, OpResult result, long zxid) {
        Pending p = waiting.remove(id);
        if (p == null) return false;
        if (p.sentEpoch != UNSENT) sent.decrementAndGet();
        Completions.run(p.completion, result, zxid);
        return true;
    }

    /** Tree thread: fails one request, if it still waits. */
    void fail(long id, ErrorCode code, long zxid) {
        complete(id, new OpResult.Error(code), zxid);
    }

    /** Tree thread: fails every request that left this server before {@code epoch}. */
    int failSentBefore(long epoch, ErrorCode code, long zxid) {
        int failed = 0;
        for (Iterator<Map.Entry<Long, Pending>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Pending> e = it.next();
            long sentIn = e.getValue().sentEpoch;
            if (sentIn != UNSENT && sentIn < epoch) {
                it.remove();
                sent.decrementAndGet();
                Completions.run(e.getValue().completion, new OpResult.Error(code), zxid);
                failed++;
            }
        }
        return failed;
    }

    /** Tree thread: fails everything (the node stops, or lost its quorum). */
    void failAll(ErrorCode code, long zxid) {
        for (Iterator<Map.Entry<Long, Pending>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Pending> e = it.next();
            it.remove();
            if (e.getValue().sentEpoch != UNSENT) sent.decrementAndGet();
            Completions.run(e.getValue().completion, new OpResult.Error(code), zxid);
        }
    }

    int size() {
        return waiting.size();
    }
}
