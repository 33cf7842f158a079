package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** checkWatches (17); type: 1 children, 2 data, 3 any. */
public record CheckWatchesRequest(String path, int type) implements Request {

    public static CheckWatchesRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        int type = in.readInt();
        return new CheckWatchesRequest(path, type);
    }

    @Override
    public int opcode() {
        return OpCode.CHECK_WATCHES;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(type);
    }
}
