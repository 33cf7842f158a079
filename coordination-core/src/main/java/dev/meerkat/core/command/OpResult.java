package dev.meerkat.core.command;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.Stat;

import java.util.List;

/** What applying a command produced for the client that sent it. */
public sealed interface OpResult {

    record Created(String path, Stat stat) implements OpResult {
    }

    record Deleted() implements OpResult {
    }

    record DataSet(Stat stat) implements OpResult {
    }

    record AclSet(Stat stat) implements OpResult {
    }

    record Checked() implements OpResult {
    }

    record Synced(String path) implements OpResult {
    }

    /** A multi's per-op results. When it failed, each is an {@link Error}: OK before, the cause, then RUNTIME_INCONSISTENCY. */
    record MultiResults(List<OpResult> results, boolean failed) implements OpResult {
    }

    record SessionOpened(long sessionId, int timeoutMs, byte[] password) implements OpResult {
    }

    /** A session re-attached through this server; carries it as the log now knows it. */
    record SessionAttached(dev.meerkat.core.state.Session session) implements OpResult {
    }

    record SessionClosed() implements OpResult {
    }

    /** A reconfig took effect: the new {@code /zookeeper/config} and its stat, as ZooKeeper answers. */
    record Reconfigured(byte[] config, Stat stat) implements OpResult {
    }

    record Error(ErrorCode code) implements OpResult {
    }

    /** Results of internal commands (reaping, touches) nobody waits for. */
    record None() implements OpResult {
    }
}
