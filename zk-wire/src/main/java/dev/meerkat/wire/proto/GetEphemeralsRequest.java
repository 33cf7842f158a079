package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** getEphemerals (103): the session's ephemerals under a path prefix. */
public record GetEphemeralsRequest(String prefixPath) implements Request {

    public static GetEphemeralsRequest read(JuteInput in) throws JuteException {
        return new GetEphemeralsRequest(in.readString());
    }

    @Override
    public int opcode() {
        return OpCode.GET_EPHEMERALS;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(prefixPath);
    }
}
