package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** Reply to getAllChildrenNumber (104). */
public record GetAllChildrenNumberResponse(int totalNumber) implements Response {

    public static GetAllChildrenNumberResponse read(JuteInput in) throws JuteException {
        return new GetAllChildrenNumberResponse(in.readInt());
    }

    @Override
    public void write(JuteOutput out) {
        out.writeInt(totalNumber);
    }
}
