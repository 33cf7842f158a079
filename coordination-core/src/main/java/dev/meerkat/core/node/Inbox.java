package dev.meerkat.core.node;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A bounded many-producer, one-consumer queue whose consumer sleeps when idle. Producers (event
 * loops among them) never block: {@link #offer} says false when full and the caller backs off.
 *
 * <p>A ring of slots with two counters, as Agrona's {@code ManyToOneConcurrentArrayQueue} does it,
 * but on {@link VarHandle}s, so an embedded node needs no {@code --add-exports} of JDK internals:
 * a producer claims a sequence by CAS on {@code tail} and publishes its item into that slot with a
 * release store; the consumer takes slots in order with acquire loads, clears each one and then
 * advances {@code head}. A null slot at {@code head} is either empty or claimed and not yet
 * published: the consumer stops there and comes back, so items come out in claim order. Nothing is
 * allocated per item and nothing locks.
 */
final class Inbox<T> extends InboxCounters {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    private final Object[] slots;
    private final int capacity;
    private final int mask;
    /** Shared by every inbox of one consumer, so that an offer to any of them wakes it. */
    private final AtomicBoolean sleeping;
    private volatile Thread consumer;

    Inbox(int requestedCapacity) {
        this(requestedCapacity, new AtomicBoolean());
    }

    /** An inbox whose consumer also sleeps on {@code sibling}: an offer to either wakes it. */
    Inbox(int requestedCapacity, Inbox<?> sibling) {
        this(requestedCapacity, sibling.sleeping);
    }

    private Inbox(int requestedCapacity, AtomicBoolean sleeping) {
        this.sleeping = sleeping;
        if (requestedCapacity < 2 || requestedCapacity > (1 << 30)) {
            throw new IllegalArgumentException("inbox capacity out of range: " + requestedCapacity);
        }
        capacity = Integer.highestOneBit(requestedCapacity - 1) << 1; // a power of two: a mask, not a modulo
        slots = new Object[capacity];
        mask = capacity - 1;
    }

    void bindConsumer(Thread thread) {
        consumer = thread;
    }

    /** Adds the item unless the inbox is full; never blocks. Any thread. */
    boolean offer(T item) {
        if (item == null) throw new NullPointerException("inbox item");
        long limit = (long) HEAD_CACHE.getAcquire(this) + capacity;
        long claimed;
        do {
            claimed = (long) TAIL.getVolatile(this);
            if (claimed >= limit) {
                // The cached head is stale or the ring is really full: look at the consumer's counter.
                long head = (long) HEAD.getVolatile(this);
                limit = head + capacity;
                if (claimed >= limit) return false;
                HEAD_CACHE.setRelease(this, head);
            }
        } while (!TAIL.compareAndSet(this, claimed, claimed + 1));
        SLOT.setRelease(slots, (int) claimed & mask, item);
        if (sleeping.get()) {
            Thread t = consumer;
            if (t != null) LockSupport.unpark(t);
        }
        return true;
    }

    /** Hands up to {@code limit} items to the handler, in order; the consumer thread only. */
    int drain(Consumer<T> handler, int limit) {
        long head = (long) HEAD.getOpaque(this); // only this thread writes it
        long end = head + Math.min(limit, capacity);
        int taken = 0;
        while (head < end) {
            int index = (int) head & mask;
            @SuppressWarnings("unchecked")
            T item = (T) SLOT.getAcquire(slots, index);
            if (item == null) break;
            // Clear before advancing: a producer that sees the new head may reuse the slot at once.
            SLOT.setRelease(slots, index, null);
            head++;
            HEAD.setRelease(this, head);
            taken++;
            handler.accept(item);
        }
        return taken;
    }

    int size() {
        long after = (long) HEAD.getVolatile(this);
        long before;
        long tail;
        do {
            before = after;
            tail = (long) TAIL.getVolatile(this);
            after = (long) HEAD.getVolatile(this);
        } while (after != before);
        return (int) Math.max(0, Math.min(tail - after, capacity));
    }

    private boolean isEmpty() {
        return (long) HEAD.getVolatile(this) == (long) TAIL.getVolatile(this);
    }

    /** Parks the consumer until an offer arrives or the timeout passes. */
    void idle(long timeoutNanos) {
        idle(timeoutNanos, null);
    }

    /** Parks the consumer until an offer arrives here or in {@code sibling} (which shares the wake-up), or the timeout passes. */
    void idle(long timeoutNanos, Inbox<?> sibling) {
        sleeping.set(true);
        // Checked after announcing sleep, so an offer in between unparks us instead of being missed.
        if (isEmpty() && (sibling == null || sibling.isEmpty())) {
            LockSupport.parkNanos(this, Math.max(timeoutNanos, TimeUnit.MICROSECONDS.toNanos(50)));
        }
        sleeping.set(false);
    }

    void wake() {
        Thread t = consumer;
        if (t != null) LockSupport.unpark(t);
    }
}

/*
 * The counters of an Inbox, each on its own cache line: producers hammer tail, the consumer writes
 * head, and neither should invalidate the other's line. Field order within a class is the JVM's
 * choice, but a superclass's fields always come first, hence one class per counter and pad.
 */
@SuppressWarnings("unused")
abstract class InboxPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class InboxTail extends InboxPad0 {
    volatile long tail;
}

@SuppressWarnings("unused")
abstract class InboxPad1 extends InboxTail {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class InboxHeadCache extends InboxPad1 {
    /** A producer's recent view of head, so that most offers read no line the consumer writes. */
    volatile long headCache;
}

@SuppressWarnings("unused")
abstract class InboxPad2 extends InboxHeadCache {
    long p20, p21, p22, p23, p24, p25, p26, p27;
}

abstract class InboxHead extends InboxPad2 {
    volatile long head;
}

@SuppressWarnings("unused")
abstract class InboxCounters extends InboxHead {
    static final VarHandle TAIL;
    static final VarHandle HEAD_CACHE;
    static final VarHandle HEAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(InboxTail.class, "tail", long.class);
            HEAD_CACHE = lookup.findVarHandle(InboxHeadCache.class, "headCache", long.class);
            HEAD = lookup.findVarHandle(InboxHead.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long p30, p31, p32, p33, p34, p35, p36, p37;
}
