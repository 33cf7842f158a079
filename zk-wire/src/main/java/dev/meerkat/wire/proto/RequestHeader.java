package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** Precedes every request body; {@code type} is an {@link OpCode}. Reserved xids: -2 ping, -4 auth, -8 setWatches. */
public record RequestHeader(int xid, int type) {
    public static RequestHeader read(JuteInput in) throws JuteException {
        return new RequestHeader(in.readInt(), in.readInt());
    }

    public void write(JuteOutput out) {
        out.writeInt(xid).writeInt(type);
    }
}
