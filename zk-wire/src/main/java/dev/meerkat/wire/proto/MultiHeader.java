package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/**
 * Precedes each op of a multi request and each result of a multi reply. Requests send err -1,
 * replies send the op's error (0 on success). The list ends with {@link #END}; readers stop on
 * {@code done} alone, as ZooKeeper does.
 */
public record MultiHeader(int type, boolean done, int err) {
    public static final MultiHeader END = new MultiHeader(-1, true, -1);

    public static MultiHeader read(JuteInput in) throws JuteException {
        return new MultiHeader(in.readInt(), in.readBool(), in.readInt());
    }

    public void write(JuteOutput out) {
        out.writeInt(type).writeBool(done).writeInt(err);
    }
}
