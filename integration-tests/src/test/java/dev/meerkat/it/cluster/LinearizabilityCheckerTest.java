package dev.meerkat.it.cluster;

import dev.meerkat.it.cluster.LinearizabilityChecker.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker itself: it must accept what a correct register can do and reject what it cannot. */
class LinearizabilityCheckerTest {
    private static final long U = Long.MAX_VALUE;

    private static Op w(int client, long v, long from, long to) {
        return new Op(client, true, v, from, to);
    }

    private static Op r(int client, long v, long from, long to) {
        return new Op(client, false, v, from, to);
    }

    private static boolean ok(Op... ops) {
        return LinearizabilityChecker.check(List.of(ops), 0).linearizable();
    }

    @Test
    void sequentialHistoriesAreCheckedAgainstTheLastWrite() {
        assertThat(ok(w(1, 1, 0, 10), r(2, 1, 20, 30))).isTrue();
        assertThat(ok(w(1, 1, 0, 10), r(2, 0, 20, 30))).as("a stale read after the write completed").isFalse();
        assertThat(ok(r(2, 7, 0, 10))).as("a value nobody wrote").isFalse();
        assertThat(ok(r(2, 0, 0, 10))).as("the initial value").isTrue();
    }

    @Test
    void aReadOverlappingAWriteMayReturnEitherValue() {
        assertThat(ok(w(1, 1, 0, 100), r(2, 0, 10, 20))).isTrue();
        assertThat(ok(w(1, 1, 0, 100), r(2, 1, 10, 20))).isTrue();
        // Once a read saw the new value, a later read may not see the old one again.
        assertThat(ok(w(1, 1, 0, 100), r(2, 1, 10, 20), r(3, 0, 30, 40))).isFalse();
    }

    @Test
    void aWriteWithAnUnknownOutcomeMayHappenLateOrNever() {
        assertThat(ok(w(1, 5, 0, U), r(2, 0, 10, 20), r(2, 5, 30, 40))).as("it took effect late").isTrue();
        assertThat(ok(w(1, 5, 0, U), r(2, 0, 10, 20), r(2, 0, 30, 40))).as("it never took effect").isTrue();
        assertThat(ok(w(1, 5, 0, U), r(2, 5, 10, 20), r(2, 0, 30, 40))).as("it cannot be undone").isFalse();
        assertThat(ok(r(2, 5, 0, 10), w(1, 5, 20, U))).as("nor take effect before it was sent").isFalse();
    }

    @Test
    void unreadWritesOfUnknownOutcomeDoNotBlowUpTheSearch() {
        List<Op> history = new ArrayList<>();
        for (int i = 0; i < 200; i++) history.add(w(1, 1000 + i, i * 10L, U));
        for (int i = 0; i < 200; i++) history.add(r(2, 0, 5000 + i * 10L, 5005 + i * 10L));
        assertThat(LinearizabilityChecker.check(history, 0).linearizable()).isTrue();
    }

    @Test
    void lostUpdatesAreCaught() {
        // Two writes complete one after the other; a read after both must see the second.
        assertThat(ok(w(1, 1, 0, 10), w(2, 2, 20, 30), r(3, 1, 40, 50))).isFalse();
        assertThat(ok(w(1, 1, 0, 30), w(2, 2, 10, 40), r(3, 1, 50, 60))).as("concurrent writes: either order").isTrue();
    }

    @Test
    void aLongConcurrentHistoryOfACorrectRegisterIsAcceptedQuickly() {
        SplittableRandom random = new SplittableRandom(7);
        List<Op> history = new ArrayList<>();
        long value = 0;
        long nextValue = 1;
        long[] busyUntil = new long[6];
        // Operations take effect at t (a point inside each window); windows overlap across 6 clients.
        for (long t = 100; history.size() < 3000; t += 1 + random.nextInt(5)) {
            int client = random.nextInt(6);
            if (busyUntil[client] > t) continue;
            long from = t - random.nextInt(50);
            long to = t + random.nextInt(50);
            if (from <= busyUntil[client]) continue;
            busyUntil[client] = to;
            if (random.nextInt(3) == 0) {
                value = nextValue++;
                // One write in twenty loses its answer (the client goes on, as after a reconnect).
                history.add(random.nextInt(20) == 0 ? w(client, value, from, U) : w(client, value, from, to));
            } else {
                history.add(r(client, value, from, to));
            }
        }
        long t0 = System.nanoTime();
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history, 0);
        assertThat(result.linearizable()).as(result.explanation()).isTrue();
        assertThat(System.nanoTime() - t0).as("checked in well under a minute").isLessThan(60_000_000_000L);
    }
}
