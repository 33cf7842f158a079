package dev.meerkat.core.cluster;

/**
 * Links to the other servers of the ensemble. Sending never blocks and never queues without bound:
 * a message that cannot go (the link is down, or its queue is full) is refused, and the sender
 * decides what that means (Raft tolerates a lost message; a forwarded write is failed back to its
 * client).
 */
public interface PeerTransport extends AutoCloseable {

    /** Queues {@code message} for server {@code to}; false when it cannot be sent now. Any thread. */
    boolean send(long to, PeerMessage message);

    /**
     * The ensemble's servers changed (a reconfig): links to new servers open, links to servers that
     * left close, a server with a new address is reached there. Any thread.
     */
    default void updatePeers(DynamicConfig config) {
    }

    /** Whether {@code peer} has a link open to this server (it is up and knows us), member or not. */
    default boolean hasInbound(long peer) {
        return false;
    }

    /** The bound peer port (useful when the configuration asked for port 0). */
    int port();

    @Override
    void close();

    /** For a server that has no peers. */
    PeerTransport NONE = new PeerTransport() {
        @Override
        public boolean send(long to, PeerMessage message) {
            return false;
        }

        @Override
        public int port() {
            return -1;
        }

        @Override
        public void close() {
        }
    };
}
