package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** ping (11, xid -2): empty body, answered with a bare header. */
public record PingRequest() implements Request {

    public static PingRequest read(JuteInput in) throws JuteException {
        return new PingRequest();
    }

    @Override
    public int opcode() {
        return OpCode.PING;
    }

    @Override
    public void write(JuteOutput out) {
    }
}
