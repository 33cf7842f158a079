package dev.meerkat.wire.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread with a {@link Selector}: it reads and writes its sockets, runs the tasks other
 * threads hand it and its timers, and never blocks but in {@code select}. The JDK's NIO is all it
 * needs, which keeps a server's first start in a JVM short (no Netty, no Vert.x to load).
 */
final class NioLoop implements EventLoop {
    private static final Logger LOG = LoggerFactory.getLogger(NioLoop.class);

    /** Something the loop's selector reports ready. */
    interface Ready {
        void ready(SelectionKey key);
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set while the loop is (about to be) in select with nothing to do: a new task must wake it. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Map<Long, Timer> timersById = new HashMap<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private long nextTimerId = 1;
    private java.nio.ByteBuffer readBuffer;
    private java.nio.ByteBuffer writeBuffer;
    /** Sockets written to during this turn: they flush at its end. */
    private final ArrayList<NioSocket> toFlush = new ArrayList<>();
    private volatile boolean stopping;

    private static final class Timer implements Comparable<Timer> {
        final long id;
        final long deadlineNanos;
        final Runnable task;

        Timer(long id, long deadlineNanos, Runnable task) {
            this.id = id;
            this.deadlineNanos = deadlineNanos;
            this.task = task;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadlineNanos - o.deadlineNanos, 0);
            return c != 0 ? c : Long.compare(id, o.id);
        }
    }

    NioLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for " + name, e);
        }
        this.thread = new Thread(this::run, name);
        // The server's owner decides when the JVM ends (Main waits for its stop; a test closes it).
        thread.setDaemon(true);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    void assertInLoop() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("called on " + Thread.currentThread().getName() + ", not on its loop " + thread.getName());
        }
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && sleeping.compareAndSet(true, false)) selector.wakeup();
    }

    @Override
    public long setTimer(long delayMs, Runnable task) {
        assertInLoop();
        long id = nextTimerId++;
        Timer t = new Timer(id, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMs)), task);
        timers.add(t);
        timersById.put(id, t);
        return id;
    }

    @Override
    public void cancelTimer(long timerId) {
        assertInLoop();
        Timer t = timersById.remove(timerId);
        if (t != null) timers.remove(t);
    }

    /** The loop's one read buffer: a socket hands what it read on before the next socket reads. */
    java.nio.ByteBuffer readBuffer(int bytes) {
        if (readBuffer == null || readBuffer.capacity() < bytes) readBuffer = java.nio.ByteBuffer.allocate(bytes);
        return readBuffer;
    }

    /** The loop's one write buffer (direct, so the kernel reads it without another copy); a socket empties it before it returns. */
    java.nio.ByteBuffer writeBuffer(int bytes) {
        if (writeBuffer == null || writeBuffer.capacity() < bytes) writeBuffer = java.nio.ByteBuffer.allocateDirect(bytes);
        return writeBuffer;
    }

    /** {@code socket} has written: it flushes once this turn's socket events, tasks or timers have run. */
    void flushAtEndOfTurn(NioSocket socket) {
        assertInLoop();
        toFlush.add(socket);
    }

    private void flushWritten() {
        // By index: a socket's listener may write to another socket while this runs, which joins the list.
        for (int i = 0; i < toFlush.size(); i++) {
            NioSocket s = toFlush.get(i);
            try {
                s.flushScheduled();
            } catch (RuntimeException e) {
                LOG.error("error flushing a socket on {}; closing it", thread.getName(), e);
                s.close();
            }
        }
        toFlush.clear();
    }

    /** Registers {@code channel} with this loop's selector; on this loop. */
    SelectionKey register(SelectableChannel channel, int ops, Ready handler) throws IOException {
        assertInLoop();
        return channel.register(selector, ops, handler);
    }

    /** Ends the loop once the tasks queued before this have run; what is still registered is closed. */
    CompletableFuture<Void> stop() {
        execute(() -> stopping = true);
        return stopped;
    }

    private void run() {
        try {
            while (!stopping) {
                long timeoutMs = runDueTimers();
                flushWritten();
                if (tasks.isEmpty()) {
                    sleeping.set(true);
                    // A task added after the flag was set has woken the selector, or is seen here.
                    if (tasks.isEmpty()) {
                        if (timeoutMs < 0) selector.select();
                        else selector.select(Math.max(1, timeoutMs));
                    } else {
                        selector.selectNow();
                    }
                    sleeping.set(false);
                } else {
                    selector.selectNow();
                }
                handleReady();
                flushWritten();
                runTasks();
                flushWritten();
            }
        } catch (Throwable t) {
            LOG.error("client event loop {} failed; its connections are closed", thread.getName(), t);
        } finally {
            flushWritten();
            closeEverything();
            // The connections' last words (their close handlers) run before the loop is gone.
            runTasks();
            stopped.complete(null);
        }
    }

    private void handleReady() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            try {
                ((Ready) key.attachment()).ready(key);
            } catch (CancelledKeyException e) {
                // Closed by an earlier handler of this round.
            } catch (RuntimeException e) {
                LOG.error("error handling a socket on {}; closing it", thread.getName(), e);
                closeQuietly(key);
            }
        }
    }

    private void runTasks() {
        // Only the tasks there now: one that re-queues itself must not starve the sockets.
        int n = tasks.size();
        for (int i = 0; i < n; i++) {
            Runnable task = tasks.poll();
            if (task == null) break;
            runSafely(task);
        }
    }

    /** Runs the timers that are due; how long until the next one, in ms (-1: none). */
    private long runDueTimers() {
        while (!timers.isEmpty()) {
            Timer t = timers.peek();
            long waitNanos = t.deadlineNanos - System.nanoTime();
            if (waitNanos > 0) return TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1;
            timers.poll();
            timersById.remove(t.id);
            runSafely(t.task);
        }
        return -1;
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A connection's bug must not stop the others on this loop.
            LOG.error("a task on client event loop {} failed", thread.getName(), e);
        }
    }

    private void closeEverything() {
        for (SelectionKey key : selector.keys()) closeQuietly(key);
        try {
            selector.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        timers.clear();
        timersById.clear();
    }

    private static void closeQuietly(SelectionKey key) {
        Object a = key.attachment();
        if (a instanceof NioSocket s) {
            s.close();
            return;
        }
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
