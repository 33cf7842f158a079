package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** closeSession (-11): empty body, answered with a bare header before the server closes. */
public record CloseSessionRequest() implements Request {

    public static CloseSessionRequest read(JuteInput in) throws JuteException {
        return new CloseSessionRequest();
    }

    @Override
    public int opcode() {
        return OpCode.CLOSE_SESSION;
    }

    @Override
    public void write(JuteOutput out) {
    }
}
