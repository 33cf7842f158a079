package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** getChildren (8), answered without a stat; also an op of multiRead. */
public record GetChildrenRequest(String path, boolean watch) implements Request.MultiReadOp {

    public static GetChildrenRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        boolean watch = in.readBool();
        return new GetChildrenRequest(path, watch);
    }

    @Override
    public int opcode() {
        return OpCode.GET_CHILDREN;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBool(watch);
    }
}
