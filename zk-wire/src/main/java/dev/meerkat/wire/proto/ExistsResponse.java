package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.Objects;

/** Reply to exists (3) when the node exists (a missing node is err -101). */
public record ExistsResponse(Stat stat) implements Response {
    public ExistsResponse {
        Objects.requireNonNull(stat, "stat");
    }

    public static ExistsResponse read(JuteInput in) throws JuteException {
        return new ExistsResponse(Stat.read(in));
    }

    @Override
    public void write(JuteOutput out) {
        stat.write(out);
    }
}
