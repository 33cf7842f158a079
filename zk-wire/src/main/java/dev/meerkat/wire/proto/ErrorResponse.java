package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** A bare error code body: the reply to addWatch (106) is ErrorResponse(0), and failed multi ops carry one. */
public record ErrorResponse(int err) implements Response {

    public static ErrorResponse read(JuteInput in) throws JuteException {
        return new ErrorResponse(in.readInt());
    }

    @Override
    public void write(JuteOutput out) {
        out.writeInt(err);
    }
}
