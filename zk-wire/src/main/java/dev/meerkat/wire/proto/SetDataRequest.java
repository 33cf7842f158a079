package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** setData (5); data may be null; version -1 matches any version. */
public record SetDataRequest(String path, byte[] data, int version) implements Request.MultiOp {

    public static SetDataRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        byte[] data = in.readBuffer();
        int version = in.readInt();
        return new SetDataRequest(path, data, version);
    }

    @Override
    public int opcode() {
        return OpCode.SET_DATA;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        out.writeInt(version);
    }
}
