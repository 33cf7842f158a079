package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** Reply to sasl (102): the server's next SASL token. */
public record SetSASLResponse(byte[] token) implements Response {

    public static SetSASLResponse read(JuteInput in) throws JuteException {
        return new SetSASLResponse(in.readBuffer());
    }

    @Override
    public void write(JuteOutput out) {
        out.writeBuffer(token);
    }
}
