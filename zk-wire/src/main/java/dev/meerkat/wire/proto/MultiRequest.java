package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * multi (14): an atomic list of write ops. On the wire each op is a {@link MultiHeader}
 * {type = op's opcode, done false, err -1} then the op body; {@link MultiHeader#END} closes the
 * list. An op type outside {@link Request.MultiOp} (a read, a nested multi, garbage) is a
 * {@link JuteException}: ZooKeeper refuses the whole request with -5 (marshalling error) too.
 */
public record MultiRequest(List<Request.MultiOp> ops) implements Request {

    public MultiRequest {
        ops = List.copyOf(ops);
    }

    public static MultiRequest read(JuteInput in) throws JuteException {
        List<Request.MultiOp> ops = new ArrayList<>();
        for (MultiHeader h = MultiHeader.read(in); !h.done(); h = MultiHeader.read(in)) {
            ops.add(switch (h.type()) {
                case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest.read(h.type(), in);
                case OpCode.CREATE_TTL -> CreateTTLRequest.read(in);
                case OpCode.DELETE -> DeleteRequest.read(in);
                case OpCode.SET_DATA -> SetDataRequest.read(in);
                case OpCode.CHECK -> CheckVersionRequest.read(in);
                default -> throw new JuteException("op type " + h.type() + " is not allowed in multi");
            });
        }
        return new MultiRequest(Collections.unmodifiableList(ops));
    }

    @Override
    public int opcode() {
        return OpCode.MULTI;
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
