package dev.meerkat.core.state;

/**
 * A session as every replica knows it. Liveness (when it was last heard from) is the leader's
 * business, not state.
 *
 * @param ownerServer the server holding the session's connection, as last agreed through the log
 *                    (0: not known, e.g. a session from a snapshot written before owners were kept).
 *                    A write that reaches the log from any other server is refused with SessionMoved,
 *                    so a client that moved cannot have an old write overtake its new ones.
 */
public record Session(long id, int timeoutMs, byte[] password, long ownerServer) {

    public Session withOwner(long server) {
        return new Session(id, timeoutMs, password, server);
    }

    /** Whether a request arriving from {@code server} may act for this session. */
    public boolean ownedBy(long server) {
        return ownerServer == 0 || ownerServer == server;
    }
}
