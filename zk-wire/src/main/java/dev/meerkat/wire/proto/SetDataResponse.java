package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.Objects;

/** Reply to setData (5). */
public record SetDataResponse(Stat stat) implements Response {
    public SetDataResponse {
        Objects.requireNonNull(stat, "stat");
    }

    public static SetDataResponse read(JuteInput in) throws JuteException {
        return new SetDataResponse(Stat.read(in));
    }

    @Override
    public void write(JuteOutput out) {
        stat.write(out);
    }
}
