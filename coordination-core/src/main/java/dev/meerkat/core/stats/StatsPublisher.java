package dev.meerkat.core.stats;

import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.watch.WatchManager;

/**
 * Hands the node's numbers from the tree thread to everyone else. The tree thread calls
 * {@link #publish} after each round of work; it reads only counters the tree, the session table
 * and the watch manager keep as they change (O(1), no walk of the tree). Readers on any thread get
 * the last published {@link TreeStats} from a volatile field: they never wait for the tree thread and
 * never make it wait.
 */
public final class StatsPublisher {
    private volatile TreeStats current = TreeStats.EMPTY;

    /** Tree thread only. */
    public void publish(StateMachine sm, WatchManager watches, long lastApplied) {
        current = new TreeStats(lastApplied, sm.tree().size(), sm.tree().approximateDataSize(), sm.tree().ephemeralCount(),
                sm.sessions().size(), watches.watchCount(), watches.dataWatchCount(), watches.dataWatchPathCount(),
                watches.dataWatcherCount(), sm.tree().digest(), sm.digestLog().entries(),
                System.nanoTime());
    }

    /** Any thread. */
    public TreeStats current() {
        return current;
    }
}
