package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/**
 * setWatches (101, sent with xid -8 on reconnect): fires what was missed since {@code relativeZxid}
 * and re-arms the rest. Vectors may be null.
 */
public record SetWatches(long relativeZxid, List<String> dataWatches, List<String> existWatches,
                         List<String> childWatches) implements Request {

    public static SetWatches read(JuteInput in) throws JuteException {
        long relativeZxid = in.readLong();
        List<String> dataWatches = in.readStringVector();
        List<String> existWatches = in.readStringVector();
        List<String> childWatches = in.readStringVector();
        return new SetWatches(relativeZxid, dataWatches, existWatches, childWatches);
    }

    @Override
    public int opcode() {
        return OpCode.SET_WATCHES;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeLong(relativeZxid);
        out.writeStringVector(dataWatches);
        out.writeStringVector(existWatches);
        out.writeStringVector(childWatches);
    }
}
