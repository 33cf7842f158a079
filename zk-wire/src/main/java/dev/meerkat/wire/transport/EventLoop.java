package dev.meerkat.wire.transport;

/**
 * The thread a client connection is confined to. Everything of one connection (its frames, its
 * replies, its timers) runs here, one task at a time; other threads hand work over with
 * {@link #execute}.
 */
public interface EventLoop {
    /** Runs {@code task} on this loop, after what is already queued; any thread. */
    void execute(Runnable task);

    /** Runs {@code task} on this loop once {@code delayMs} have passed; an id for {@link #cancelTimer}. On this loop. */
    long setTimer(long delayMs, Runnable task);

    /** The timer does not run (if it has not yet). On this loop; an unknown or finished id is ignored. */
    void cancelTimer(long timerId);
}
