package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.Objects;

/** Reply to create2 (15), createContainer (19) and createTTL (21): path and the new node's stat. */
public record Create2Response(String path, Stat stat) implements Response {
    public Create2Response {
        Objects.requireNonNull(stat, "stat");
    }

    public static Create2Response read(JuteInput in) throws JuteException {
        String path = in.readString();
        Stat stat = Stat.read(in);
        return new Create2Response(path, stat);
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        stat.write(out);
    }
}
