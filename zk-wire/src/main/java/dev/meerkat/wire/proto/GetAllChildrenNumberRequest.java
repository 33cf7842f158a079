package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** getAllChildrenNumber (104): count of all descendants. */
public record GetAllChildrenNumberRequest(String path) implements Request {

    public static GetAllChildrenNumberRequest read(JuteInput in) throws JuteException {
        return new GetAllChildrenNumberRequest(in.readString());
    }

    @Override
    public int opcode() {
        return OpCode.GET_ALL_CHILDREN_NUMBER;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
    }
}
