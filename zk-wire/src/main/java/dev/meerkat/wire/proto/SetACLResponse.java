package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.Objects;

/** Reply to setACL (7). */
public record SetACLResponse(Stat stat) implements Response {
    public SetACLResponse {
        Objects.requireNonNull(stat, "stat");
    }

    public static SetACLResponse read(JuteInput in) throws JuteException {
        return new SetACLResponse(Stat.read(in));
    }

    @Override
    public void write(JuteOutput out) {
        stat.write(out);
    }
}
