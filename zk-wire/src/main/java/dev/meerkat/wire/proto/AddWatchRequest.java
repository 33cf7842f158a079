package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/**
 * addWatch (106); mode 0 persistent, 1 persistent recursive. Answered with {@link ErrorResponse}(0),
 * not a bare header: the Java client reads that int.
 */
public record AddWatchRequest(String path, int mode) implements Request {

    public static AddWatchRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        int mode = in.readInt();
        return new AddWatchRequest(path, mode);
    }

    @Override
    public int opcode() {
        return OpCode.ADD_WATCH;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeInt(mode);
    }
}
