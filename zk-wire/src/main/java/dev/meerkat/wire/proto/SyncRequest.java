package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** sync (9). */
public record SyncRequest(String path) implements Request {

    public static SyncRequest read(JuteInput in) throws JuteException {
        return new SyncRequest(in.readString());
    }

    @Override
    public int opcode() {
        return OpCode.SYNC;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
    }
}
