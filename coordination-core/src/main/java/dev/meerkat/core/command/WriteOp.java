package dev.meerkat.core.command;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.CreateMode;

import java.util.List;

/** The writes a client can ask for; each becomes part of a {@link Command.ClientWrite}. */
public sealed interface WriteOp {

    /** Create; {@code acl} is as the client sent it (CREATOR_ALL is resolved at apply). {@code ttl} is 0 unless a TTL mode. */
    record Create(String path, byte[] data, List<Acl> acl, CreateMode mode, long ttl) implements WriteOp {
    }

    /** Delete at a version (-1 any). {@code containerOnly}: the deleteContainer opcode, which spares a non-container. */
    record Delete(String path, int version, boolean containerOnly) implements WriteOp {
    }

    record SetData(String path, byte[] data, int version) implements WriteOp {
    }

    record SetAcl(String path, List<Acl> acl, int version) implements WriteOp {
    }

    /** Version check, only meaningful inside a multi (and as the standalone check opcode). */
    record Check(String path, int version) implements WriteOp {
    }

    /** All or nothing; later ops see the effects of earlier ones. */
    record Multi(List<WriteOp> ops) implements WriteOp {
    }

    /** ZooKeeper's sync: a barrier through the log, so the answer comes after every earlier write. */
    record Sync(String path) implements WriteOp {
    }
}
