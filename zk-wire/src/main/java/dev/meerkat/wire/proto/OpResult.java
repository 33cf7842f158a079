package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a {@link MultiResponse} or {@link MultiReadResponse}. On the wire:
 * {@link MultiHeader}{type(), done false, err = ErrorResult's code or 0} then the body below.
 * The header type is what the Java client uses to rebuild its result, so it must be exact:
 * ZooKeeper answers create (1) with {@link CreateResult} but create2, createContainer and
 * createTTL all with {@link Create2Result} (type 15); delete and check have no body.
 */
public sealed interface OpResult {

    /** The multi header type: the op's opcode, or -1 for an error. */
    int type();

    /** Writes the body after the header (nothing for delete and check). */
    void write(JuteOutput out);

    /** create (1): body {@link CreateResponse}. */
    record CreateResult(String path) implements OpResult {
        public int type() {
            return OpCode.CREATE;
        }

        public void write(JuteOutput out) {
            out.writeString(path);
        }
    }

    /** create2 (15), also used for createContainer and createTTL ops: body {@link Create2Response}. */
    record Create2Result(String path, Stat stat) implements OpResult {
        public Create2Result {
            Objects.requireNonNull(stat, "stat");
        }

        public int type() {
            return OpCode.CREATE2;
        }

        public void write(JuteOutput out) {
            out.writeString(path);
            stat.write(out);
        }
    }

    /** delete (2): header only. */
    record DeleteResult() implements OpResult {
        public int type() {
            return OpCode.DELETE;
        }

        public void write(JuteOutput out) {
        }
    }

    /** setData (5): body {@link SetDataResponse}. */
    record SetDataResult(Stat stat) implements OpResult {
        public SetDataResult {
            Objects.requireNonNull(stat, "stat");
        }

        public int type() {
            return OpCode.SET_DATA;
        }

        public void write(JuteOutput out) {
            stat.write(out);
        }
    }

    /** check (13): header only. */
    record CheckResult() implements OpResult {
        public int type() {
            return OpCode.CHECK;
        }

        public void write(JuteOutput out) {
        }
    }

    /** getData (4) in multiRead: body {@link GetDataResponse}; data may be null. */
    record GetDataResult(byte[] data, Stat stat) implements OpResult {
        public GetDataResult {
            Objects.requireNonNull(stat, "stat");
        }

        public int type() {
            return OpCode.GET_DATA;
        }

        public void write(JuteOutput out) {
            out.writeBuffer(data);
            stat.write(out);
        }
    }

    /** getChildren (8) in multiRead: body {@link GetChildrenResponse}. */
    record GetChildrenResult(List<String> children) implements OpResult {
        public int type() {
            return OpCode.GET_CHILDREN;
        }

        public void write(JuteOutput out) {
            out.writeStringVector(children);
        }
    }

    /**
     * A failed op (header type -1, header err = err, body {@link ErrorResponse}). In a failed
     * multi the failing op has its code, earlier ops 0 and later ones -2.
     */
    record ErrorResult(int err) implements OpResult {
        public int type() {
            return OpCode.ERROR;
        }

        public void write(JuteOutput out) {
            out.writeInt(err);
        }
    }

    /** Reads entries up to the done header; any unknown type is a {@link JuteException}. */
    static List<OpResult> readAll(JuteInput in) throws JuteException {
        List<OpResult> results = new ArrayList<>();
        for (MultiHeader h = MultiHeader.read(in); !h.done(); h = MultiHeader.read(in)) {
            results.add(switch (h.type()) {
                case OpCode.CREATE -> new CreateResult(in.readString());
                case OpCode.CREATE2 -> new Create2Result(in.readString(), Stat.read(in));
                case OpCode.DELETE -> new DeleteResult();
                case OpCode.SET_DATA -> new SetDataResult(Stat.read(in));
                case OpCode.CHECK -> new CheckResult();
                case OpCode.GET_DATA -> new GetDataResult(in.readBuffer(), Stat.read(in));
                case OpCode.GET_CHILDREN -> new GetChildrenResult(in.readStringVector());
                case OpCode.ERROR -> new ErrorResult(in.readInt());
                default -> throw new JuteException("invalid result type " + h.type() + " in a multi response");
            });
        }
        return Collections.unmodifiableList(results);
    }

    /** Writes each entry with its header, then {@link MultiHeader#END}. */
    static void writeAll(JuteOutput out, List<? extends OpResult> results) {
        for (OpResult r : results) {
            new MultiHeader(r.type(), false, r instanceof ErrorResult e ? e.err() : 0).write(out);
            r.write(out);
        }
        MultiHeader.END.write(out);
    }
}
