package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/**
 * Reply to multiRead (22): per op, independently, a GetDataResult, GetChildrenResult or
 * ErrorResult. Same wire shape as {@link MultiResponse}.
 */
public record MultiReadResponse(List<OpResult> results) implements Response {

    public MultiReadResponse {
        results = List.copyOf(results);
    }

    public static MultiReadResponse read(JuteInput in) throws JuteException {
        return new MultiReadResponse(OpResult.readAll(in));
    }

    @Override
    public void write(JuteOutput out) {
        OpResult.writeAll(out, results);
    }
}
