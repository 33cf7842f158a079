package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/** Reply to getEphemerals (103): full paths. */
public record GetEphemeralsResponse(List<String> ephemerals) implements Response {

    public static GetEphemeralsResponse read(JuteInput in) throws JuteException {
        return new GetEphemeralsResponse(in.readStringVector());
    }

    @Override
    public void write(JuteOutput out) {
        out.writeStringVector(ephemerals);
    }
}
