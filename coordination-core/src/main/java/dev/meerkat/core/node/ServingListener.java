package dev.meerkat.core.node;

/** Events of a node that the client-facing side acts on. Called on the node's threads: hand off, never block. */
public interface ServingListener {

    /** The server lost its quorum (stops serving clients) or found it again. */
    default void servingChanged(boolean serving) {
    }

    /**
     * The whole state was replaced by a snapshot from the leader: watches and views built on the old
     * state can no longer be kept exact, so client connections should be closed (their clients
     * reconnect and replay their watches against the new state).
     */
    default void stateReplaced() {
    }
}
