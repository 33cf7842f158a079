package dev.meerkat.core.command;

import dev.meerkat.core.api.AuthId;

import java.util.List;

/**
 * What the log replicates: commands, not effects. Every replica applies the same command to the
 * same state and computes the same result, errors included. Nothing here depends on the wire.
 */
public sealed interface Command {

    /** Opens a session. The id is derived from the entry's index at apply, so every replica agrees. */
    record CreateSession(int timeoutMs, byte[] password) implements Command {
    }

    /**
     * A client re-attaches its session (id and password) through another server than the one that
     * last held it: that server becomes the owner, if the session still exists and the password
     * matches.
     */
    record AttachSession(long sessionId, byte[] password) implements Command {
    }

    /** Closes a session on the client's request or, when {@code expired}, on the leader's decision. */
    record CloseSession(long sessionId, boolean expired) implements Command {
    }

    /**
     * A client's write, with the identities of its connection at the time, for ACL checks at apply.
     * {@code enforceQuota}: the receiving server's zookeeper.enforceQuota, carried in the entry so
     * that every replica decides the same.
     */
    record ClientWrite(long sessionId, List<AuthId> authIds, WriteOp op, boolean enforceQuota) implements Command {
        public ClientWrite {
            authIds = List.copyOf(authIds);
        }

        public ClientWrite(long sessionId, List<AuthId> authIds, WriteOp op) {
            this(sessionId, authIds, op, false);
        }
    }

    /**
     * The leader found a container with no children left, or a TTL node untouched past its TTL.
     * Apply re-checks the condition against the entry's time: only a still-reapable node goes.
     */
    record ReapNode(String path) implements Command {
    }

    /** Renews sessions seen by a server (heartbeats relayed to the leader are batched in one). */
    record TouchSessions(long[] sessionIds) implements Command {
    }
}
