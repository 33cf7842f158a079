package dev.meerkat.core.util;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One piece of start-up work on a daemon thread of its own, so that it overlaps the rest of a
 * start (on a cold JVM most of it is class loading, which two cores do side by side).
 */
public final class OwnThread {
    private OwnThread() {
    }

    /** Runs {@code work} on a new daemon thread named {@code name}; the future has its result or failure. */
    public static <T> CompletableFuture<T> supply(String name, Callable<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(work.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return done;
    }
}
