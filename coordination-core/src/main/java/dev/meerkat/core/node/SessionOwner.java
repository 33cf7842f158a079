package dev.meerkat.core.node;

/**
 * The connection that currently holds a session. Told, on the tree thread, when the session ends
 * (closed or expired) or moves to another connection, so it can close itself.
 */
public interface SessionOwner {
    void sessionClosed(long sessionId);

    /** Another connection re-attached the session; this one must stop serving it. */
    void sessionMoved(long sessionId);
}
