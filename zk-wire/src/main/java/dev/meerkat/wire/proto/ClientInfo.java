package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** One authenticated identity of a session, as listed by whoAmI. */
public record ClientInfo(String authScheme, String user) {
    public static final int MIN_SIZE = 8;

    public static ClientInfo read(JuteInput in) throws JuteException {
        return new ClientInfo(in.readString(), in.readString());
    }

    public void write(JuteOutput out) {
        out.writeString(authScheme).writeString(user);
    }
}
