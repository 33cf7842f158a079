package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;
import java.util.Objects;

/** Reply to getChildren2 (12): child names and the parent's stat. */
public record GetChildren2Response(List<String> children, Stat stat) implements Response {
    public GetChildren2Response {
        Objects.requireNonNull(stat, "stat");
    }

    public static GetChildren2Response read(JuteInput in) throws JuteException {
        List<String> children = in.readStringVector();
        Stat stat = Stat.read(in);
        return new GetChildren2Response(children, stat);
    }

    @Override
    public void write(JuteOutput out) {
        out.writeStringVector(children);
        stat.write(out);
    }
}
