package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/**
 * Reply to multi (14), sent with reply-header err 0 even when an op failed: one {@link OpResult}
 * per op (CreateResult, Create2Result, DeleteResult, SetDataResult, CheckResult or ErrorResult).
 */
public record MultiResponse(List<OpResult> results) implements Response {

    public MultiResponse {
        results = List.copyOf(results);
    }

    public static MultiResponse read(JuteInput in) throws JuteException {
        return new MultiResponse(OpResult.readAll(in));
    }

    @Override
    public void write(JuteOutput out) {
        OpResult.writeAll(out, results);
    }
}
