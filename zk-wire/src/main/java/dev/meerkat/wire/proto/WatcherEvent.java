package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** Body of a notification (reply xid -1): event type (NodeCreated 1 ...), keeper state, server-side path. */
public record WatcherEvent(int type, int state, String path) {
    public static WatcherEvent read(JuteInput in) throws JuteException {
        return new WatcherEvent(in.readInt(), in.readInt(), in.readString());
    }

    public void write(JuteOutput out) {
        out.writeInt(type).writeInt(state).writeString(path);
    }
}
