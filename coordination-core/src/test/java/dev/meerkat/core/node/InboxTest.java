package dev.meerkat.core.node;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InboxTest {

    @Test
    void boundedAndInOrder() {
        Inbox<Integer> inbox = new Inbox<>(5); // rounded up to 8
        int accepted = 0;
        for (int i = 0; i < 20; i++) if (inbox.offer(i)) accepted++;
        assertThat(accepted).isEqualTo(8);
        assertThat(inbox.size()).isEqualTo(8);

        List<Integer> out = new ArrayList<>();
        assertThat(inbox.drain(out::add, 3)).isEqualTo(3);
        assertThat(out).containsExactly(0, 1, 2);
        assertThat(inbox.size()).isEqualTo(5);
        // Room again, and the ring wraps around without losing order.
        assertThat(inbox.offer(100)).isTrue();
        assertThat(inbox.offer(101)).isTrue();
        assertThat(inbox.offer(102)).isTrue();
        assertThat(inbox.offer(103)).isFalse();
        out.clear();
        assertThat(inbox.drain(out::add, 100)).isEqualTo(8);
        assertThat(out).containsExactly(3, 4, 5, 6, 7, 100, 101, 102);
        assertThat(inbox.size()).isZero();
        assertThat(inbox.drain(out::add, 100)).isZero();
    }

    @Test
    void nullItemsAndSillyCapacitiesAreRefused() {
        assertThatThrownBy(() -> new Inbox<>(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Inbox<String>(4).offer(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void manyProducersLoseNothingAndKeepEachProducersOrder() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        Inbox<long[]> inbox = new Inbox<>(64); // small, so producers keep hitting the full ring
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    long[] item = {id, i};
                    while (!inbox.offer(item)) {
                        refused.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
            }, "producer-" + p);
            t.start();
            threads.add(t);
        }
        long[] next = new long[producers];
        int[] received = {0};
        Thread consumer = Thread.currentThread();
        inbox.bindConsumer(consumer);
        go.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received[0] < producers * perProducer) {
            assertThat(System.nanoTime()).as("consumer still waiting for items").isLessThan(deadline);
            int n = inbox.drain(item -> {
                int p = (int) item[0];
                assertThat(item[1]).as("producer %d's order", p).isEqualTo(next[p]);
                next[p]++;
                received[0]++;
            }, 1000);
            if (n == 0) inbox.idle(TimeUnit.MILLISECONDS.toNanos(1));
        }
        for (Thread t : threads) t.join();
        assertThat(next).containsOnly(perProducer);
        assertThat(inbox.size()).isZero();
        assertThat(refused.get()).as("the ring was full at times").isPositive();
    }

    @Test
    void anOfferWakesASleepingConsumer() throws Exception {
        Inbox<String> inbox = new Inbox<>(8);
        CountDownLatch got = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            while (got.getCount() > 0) {
                if (inbox.drain(s -> got.countDown(), 10) == 0) inbox.idle(TimeUnit.SECONDS.toNanos(60));
            }
        });
        inbox.bindConsumer(consumer);
        consumer.start();
        // Let it park (if it has not yet, the offer is simply drained on its first look).
        while (consumer.getState() != Thread.State.TIMED_WAITING && consumer.isAlive()) Thread.onSpinWait();
        long t0 = System.nanoTime();
        assertThat(inbox.offer("hello")).isTrue();
        assertThat(got.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("woken, not timed out").isLessThan(30);
        consumer.join();
    }

    @Test
    void anOfferToASiblingWakesTheSharedConsumer() throws Exception {
        Inbox<String> first = new Inbox<>(8);
        Inbox<String> second = new Inbox<>(8, first);
        CountDownLatch got = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            while (got.getCount() > 0) {
                int n = first.drain(s -> got.countDown(), 10) + second.drain(s -> got.countDown(), 10);
                if (n == 0) first.idle(TimeUnit.SECONDS.toNanos(60), second);
            }
        });
        first.bindConsumer(consumer);
        second.bindConsumer(consumer);
        consumer.start();
        while (consumer.getState() != Thread.State.TIMED_WAITING && consumer.isAlive()) Thread.onSpinWait();
        assertThat(second.offer("to the sibling")).isTrue();
        assertThat(got.await(30, TimeUnit.SECONDS)).as("woken through the shared flag").isTrue();
        consumer.join();
    }
}
