package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/** setWatches2 (105): {@link SetWatches} plus persistent and persistent-recursive watches. */
public record SetWatches2(long relativeZxid, List<String> dataWatches, List<String> existWatches,
                          List<String> childWatches, List<String> persistentWatches,
                          List<String> persistentRecursiveWatches) implements Request {

    public static SetWatches2 read(JuteInput in) throws JuteException {
        long relativeZxid = in.readLong();
        List<String> dataWatches = in.readStringVector();
        List<String> existWatches = in.readStringVector();
        List<String> childWatches = in.readStringVector();
        List<String> persistentWatches = in.readStringVector();
        List<String> persistentRecursiveWatches = in.readStringVector();
        return new SetWatches2(relativeZxid, dataWatches, existWatches, childWatches, persistentWatches,
                persistentRecursiveWatches);
    }

    @Override
    public int opcode() {
        return OpCode.SET_WATCHES2;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeLong(relativeZxid);
        out.writeStringVector(dataWatches);
        out.writeStringVector(existWatches);
        out.writeStringVector(childWatches);
        out.writeStringVector(persistentWatches);
        out.writeStringVector(persistentRecursiveWatches);
    }
}
