package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** getACL (6). */
public record GetACLRequest(String path) implements Request {

    public static GetACLRequest read(JuteInput in) throws JuteException {
        return new GetACLRequest(in.readString());
    }

    @Override
    public int opcode() {
        return OpCode.GET_ACL;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
    }
}
