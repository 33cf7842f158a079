package dev.meerkat.core.stats;

import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.watch.WatchManager;

/**
 * A read of the node's state that cannot come from counters (a listing: watches by connection,
 * ephemerals by session, a snapshot image). It runs on the tree thread, so it must read only
 * indexes sized by what it lists, never walk the tree, and return an immutable result.
 */
@FunctionalInterface
public interface Inspection<T> {

    /** What an inspection may read. */
    interface Context {
        StateMachine state();

        WatchManager watches();

        long lastAppliedTerm();

        /** When the session was last heard from here (System.nanoTime()), or null. */
        Long lastHeardNanos(long sessionId);
    }

    T inspect(Context context);
}
