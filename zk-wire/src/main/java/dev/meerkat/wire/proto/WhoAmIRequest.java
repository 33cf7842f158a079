package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** whoAmI (107): empty body. */
public record WhoAmIRequest() implements Request {

    public static WhoAmIRequest read(JuteInput in) throws JuteException {
        return new WhoAmIRequest();
    }

    @Override
    public int opcode() {
        return OpCode.WHO_AM_I;
    }

    @Override
    public void write(JuteOutput out) {
    }
}
