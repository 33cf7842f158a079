package dev.meerkat.core.watch;

import dev.meerkat.core.api.WatchEvent;

/**
 * Where a connection's watch events go. Called on the tree's thread: implementations hand the event
 * to their own thread (an event loop) and return at once.
 */
public interface Watcher {
    void process(WatchEvent event);

    /**
     * {@link #process} threw: this watcher's watches are gone, and its connection should go too.
     * The node carries on: one connection's fault is not the node's.
     */
    default void failed(Throwable t) {
    }

    /** The session this watcher belongs to, for listings (wchc, wchp); 0 when it has none. */
    default long sessionId() {
        return 0;
    }
}
