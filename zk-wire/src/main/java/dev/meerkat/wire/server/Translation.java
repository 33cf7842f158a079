package dev.meerkat.wire.server;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.query.Query;

/** What a decoded request becomes: a replicated write, a local query, or an answer the connection gives itself. */
sealed interface Translation {
    record Write(WriteOp op) implements Translation {
    }

    record Read(Query query) implements Translation {
    }

    /** Refused before reaching the core (bad flags, unsupported opcode). */
    record Refused(ErrorCode code) implements Translation {
    }
}
