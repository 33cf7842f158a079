package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * multiRead (22): independent reads, same wire shape as {@link MultiRequest}. Only getData (4)
 * and getChildren (8) may appear; anything else is a {@link JuteException} (answer -5).
 */
public record MultiReadRequest(List<Request.MultiReadOp> ops) implements Request {

    public MultiReadRequest {
        ops = List.copyOf(ops);
    }

    public static MultiReadRequest read(JuteInput in) throws JuteException {
        List<Request.MultiReadOp> ops = new ArrayList<>();
        for (MultiHeader h = MultiHeader.read(in); !h.done(); h = MultiHeader.read(in)) {
            ops.add(switch (h.type()) {
                case OpCode.GET_DATA -> GetDataRequest.read(in);
                case OpCode.GET_CHILDREN -> GetChildrenRequest.read(in);
                default -> throw new JuteException("op type " + h.type() + " is not allowed in multiRead");
            });
        }
        return new MultiReadRequest(Collections.unmodifiableList(ops));
    }

    @Override
    public int opcode() {
        return OpCode.MULTI_READ;
    }

    @Override
    public void write(JuteOutput out) {
        for (Request op : ops) {
            new MultiHeader(op.opcode(), false, -1).write(out);
            op.write(out);
        }
        MultiHeader.END.write(out);
    }
}
