package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** Reply to create (1): the full server-side path (with sequence suffix, without chroot). */
public record CreateResponse(String path) implements Response {

    public static CreateResponse read(JuteInput in) throws JuteException {
        return new CreateResponse(in.readString());
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
    }
}
