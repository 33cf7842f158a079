package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/** Reply to getChildren (8): child names, not paths. */
public record GetChildrenResponse(List<String> children) implements Response {

    public static GetChildrenResponse read(JuteInput in) throws JuteException {
        return new GetChildrenResponse(in.readStringVector());
    }

    @Override
    public void write(JuteOutput out) {
        out.writeStringVector(children);
    }
}
