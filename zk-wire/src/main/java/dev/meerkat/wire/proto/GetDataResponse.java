package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.Objects;

/** Reply to getData (4) and reconfig (16); data may be null. */
public record GetDataResponse(byte[] data, Stat stat) implements Response {
    public GetDataResponse {
        Objects.requireNonNull(stat, "stat");
    }

    public static GetDataResponse read(JuteInput in) throws JuteException {
        byte[] data = in.readBuffer();
        Stat stat = Stat.read(in);
        return new GetDataResponse(data, stat);
    }

    @Override
    public void write(JuteOutput out) {
        out.writeBuffer(data);
        stat.write(out);
    }
}
