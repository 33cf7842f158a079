package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** exists (3); {@code watch} sets a data watch even when the node is missing. */
public record ExistsRequest(String path, boolean watch) implements Request {

    public static ExistsRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        boolean watch = in.readBool();
        return new ExistsRequest(path, watch);
    }

    @Override
    public int opcode() {
        return OpCode.EXISTS;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBool(watch);
    }
}
