package dev.meerkat.wire.server;

/** Hears of every reply the client port sends (on the connection's event loop): return at once. */
public interface RequestObserver {
    RequestObserver NONE = new RequestObserver() {
        @Override
        public void replied(int opcode, boolean write, long latencyNanos, int responseBytes) {
        }
    };

    /** A reply left; {@code write} for requests that went through the log. */
    void replied(int opcode, boolean write, long latencyNanos, int responseBytes);

    /** srst: the server statistics were reset. */
    default void reset() {
    }
}
