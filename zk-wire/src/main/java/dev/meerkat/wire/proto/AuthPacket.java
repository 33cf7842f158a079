package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** auth (100, sent with xid -4): {@code type} is always 0 in practice. */
public record AuthPacket(int type, String scheme, byte[] auth) implements Request {

    public static AuthPacket read(JuteInput in) throws JuteException {
        int type = in.readInt();
        String scheme = in.readString();
        byte[] auth = in.readBuffer();
        return new AuthPacket(type, scheme, auth);
    }

    @Override
    public int opcode() {
        return OpCode.AUTH;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeInt(type);
        out.writeString(scheme);
        out.writeBuffer(auth);
    }
}
