package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** delete (2); version -1 matches any version. */
public record DeleteRequest(String path, int version) implements Request.MultiOp {

    public static DeleteRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        int version = in.readInt();
        return new DeleteRequest(path, version);
    }

    @Override
    public int opcode() {
        return OpCode.DELETE;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(version);
    }
}
