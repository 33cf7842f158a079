package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** getData (4); also an op of multiRead (sent there with watch false). */
public record GetDataRequest(String path, boolean watch) implements Request.MultiReadOp {

    public static GetDataRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        boolean watch = in.readBool();
        return new GetDataRequest(path, watch);
    }

    @Override
    public int opcode() {
        return OpCode.GET_DATA;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBool(watch);
    }
}
