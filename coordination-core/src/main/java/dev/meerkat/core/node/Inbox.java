package dev.meerkat.core.node;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A bounded many-producer, one-consumer queue whose consumer sleeps when idle. Producers (event
 * loops among them) never block: {@link #offer} says false when full and the caller backs off.
 */
final class Inbox<T> {
    private final ManyToOneConcurrentArrayQueue<T> queue;
    /** Shared by every inbox of one consumer, so that an offer to any of them wakes it. */
    private final AtomicBoolean sleeping;
    private volatile Thread consumer;

    Inbox(int capacity) {
        this(capacity, new AtomicBoolean());
    }

    /** An inbox whose consumer also sleeps on {@code sibling}: an offer to either wakes it. */
    Inbox(int capacity, Inbox<?> sibling) {
        this(capacity, sibling.sleeping);
    }

    private Inbox(int capacity, AtomicBoolean sleeping) {
        this.queue = new ManyToOneConcurrentArrayQueue<>(capacity);
        this.sleeping = sleeping;
    }

    void bindConsumer(Thread thread) {
        consumer = thread;
    }

    boolean offer(T item) {
        if (!queue.offer(item)) return false;
        if (sleeping.get()) {
            Thread t = consumer;
            if (t != null) LockSupport.unpark(t);
        }
        return true;
    }

    int drain(Consumer<T> handler, int limit) {
        return queue.drain(handler::accept, limit);
    }

    int size() {
        return queue.size();
    }

    /** Parks the consumer until an offer arrives or the timeout passes. */
    void idle(long timeoutNanos) {
        idle(timeoutNanos, null);
    }

    /** Parks the consumer until an offer arrives here or in {@code sibling} (which shares the wake-up), or the timeout passes. */
    void idle(long timeoutNanos, Inbox<?> sibling) {
        sleeping.set(true);
        // Checked after announcing sleep, so an offer in between unparks us instead of being missed.
        if (queue.isEmpty() && (sibling == null || sibling.queue.isEmpty())) {
            LockSupport.parkNanos(this, Math.max(timeoutNanos, TimeUnit.MICROSECONDS.toNanos(50)));
        }
        sleeping.set(false);
    }

    void wake() {
        Thread t = consumer;
        if (t != null) LockSupport.unpark(t);
    }
}
