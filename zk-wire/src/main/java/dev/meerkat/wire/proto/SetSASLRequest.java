package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** sasl (102): one SASL token exchange step. */
public record SetSASLRequest(byte[] token) implements Request {

    public static SetSASLRequest read(JuteInput in) throws JuteException {
        return new SetSASLRequest(in.readBuffer());
    }

    @Override
    public int opcode() {
        return OpCode.SASL;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeBuffer(token);
    }
}
