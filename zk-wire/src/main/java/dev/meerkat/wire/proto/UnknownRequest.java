package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteOutput;

/**
 * An opcode this server does not decode (including server-internal ones such as createSession).
 * The body is skipped so the server can answer -6 (unimplemented) and keep the connection.
 */
public record UnknownRequest(int type) implements Request {

    @Override
    public int opcode() {
        return type;
    }

    @Override
    public void write(JuteOutput out) {
        // the body was never kept
    }
}
