package dev.meerkat.core.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Leadership moves an operator asked for, and how they went (for mntr). Changed on the log
 * thread, read by any thread.
 */
public final class LeadershipTransfers {
    /** The numbers, as published. */
    public record Stats(long requested, long completed, long failed, long lastDurationMs, boolean inProgress) {
    }

    private record Waiting(long target, long leaderBefore, CompletableFuture<Long> done, long sinceNanos) {
    }

    private final List<Waiting> waiting = new ArrayList<>();
    private long requested;
    private long completed;
    private long failed;
    private volatile Stats stats = new Stats(0, 0, 0, -1, false);

    /** Log thread. */
    void requested(long target, long leaderBefore, CompletableFuture<Long> done, long nowNanos) {
        requested++;
        waiting.add(new Waiting(target, leaderBefore, done, nowNanos));
        publish(-1);
    }

    /** Log thread: a request that could not even start (no leader, not a participant). */
    void refused() {
        requested++;
        failed++;
        publish(-1);
    }

    /** Log thread: a leader is known (a new one, or the same in a new term). */
    void leaderIs(long leader, long nowNanos) {
        if (waiting.isEmpty()) return;
        long last = -1;
        for (Waiting w : List.copyOf(waiting)) {
            if (leader == w.leaderBefore()) continue;
            waiting.remove(w);
            last = TimeUnit.NANOSECONDS.toMillis(nowNanos - w.sinceNanos());
            if (w.target() == 0 || w.target() == leader) {
                completed++;
                w.done().complete(leader);
            } else {
                failed++;
                w.done().completeExceptionally(new IllegalStateException("leadership went to server " + leader
                        + ", not to server " + w.target()));
            }
        }
        publish(last);
    }

    /** Log thread, every tick: a request its caller gave up on (timed out) is a failure now, not later. */
    void sweep() {
        for (Waiting w : waiting) {
            if (w.done().isDone()) {
                publish(-1);
                return;
            }
        }
    }

    private void publish(long lastMs) {
        waiting.removeIf(w -> {
            if (!w.done().isDone()) return false;
            failed++;
            return true;
        });
        stats = new Stats(requested, completed, failed, lastMs >= 0 ? lastMs : stats.lastDurationMs(), !waiting.isEmpty());
    }

    public Stats stats() {
        return stats;
    }
}
