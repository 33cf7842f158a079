package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** An identity in an ACL, e.g. {@code world:anyone} or {@code digest:user:hash}. */
public record Id(String scheme, String id) {
    /** Smallest encoding: two empty/null strings. */
    public static final int MIN_SIZE = 8;

    public static Id read(JuteInput in) throws JuteException {
        return new Id(in.readString(), in.readString());
    }

    public void write(JuteOutput out) {
        out.writeString(scheme).writeString(id);
    }
}
