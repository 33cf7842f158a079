package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/**
 * Precedes every reply; a response body follows only when {@code err} is 0 (clients do not read
 * one otherwise). xid -1 marks a watch notification carrying a {@link WatcherEvent}.
 */
public record ReplyHeader(int xid, long zxid, int err) {
    public static ReplyHeader read(JuteInput in) throws JuteException {
        return new ReplyHeader(in.readInt(), in.readLong(), in.readInt());
    }

    public void write(JuteOutput out) {
        out.writeInt(xid).writeLong(zxid).writeInt(err);
    }
}
