package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** getChildren2 (12), answered with children and the parent's stat. */
public record GetChildren2Request(String path, boolean watch) implements Request {

    public static GetChildren2Request read(JuteInput in) throws JuteException {
        String path = in.readString();
        boolean watch = in.readBool();
        return new GetChildren2Request(path, watch);
    }

    @Override
    public int opcode() {
        return OpCode.GET_CHILDREN2;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBool(watch);
    }
}
