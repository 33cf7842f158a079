package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** check (13): fails the multi unless the node has this version (-1 any). */
public record CheckVersionRequest(String path, int version) implements Request.MultiOp {

    public static CheckVersionRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        int version = in.readInt();
        return new CheckVersionRequest(path, version);
    }

    @Override
    public int opcode() {
        return OpCode.CHECK;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(version);
    }
}
