package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/**
 * create (1), create2 (15) and createContainer (19) share this body; {@code opcode} says which
 * one the client sent, because the reply differs (create → {@link CreateResponse}, the other two
 * → {@link Create2Response}). {@code flags} is the create mode (0..6); data may be null.
 */
public record CreateRequest(int opcode, String path, byte[] data, List<ACL> acl, int flags)
        implements Request.MultiOp {

    public CreateRequest {
        if (opcode != OpCode.CREATE && opcode != OpCode.CREATE2 && opcode != OpCode.CREATE_CONTAINER) {
            throw new IllegalArgumentException("not a CreateRequest opcode: " + opcode);
        }
    }

    /** A plain create (1). */
    public CreateRequest(String path, byte[] data, List<ACL> acl, int flags) {
        this(OpCode.CREATE, path, data, acl, flags);
    }

    /** Reads a body sent as create (1). */
    public static CreateRequest read(JuteInput in) throws JuteException {
        return read(OpCode.CREATE, in);
    }

    /** Reads a body sent under {@code opcode} 1, 15 or 19. */
    public static CreateRequest read(int opcode, JuteInput in) throws JuteException {
        String path = in.readString();
        byte[] data = in.readBuffer();
        List<ACL> acl = ACL.readList(in);
        int flags = in.readInt();
        return new CreateRequest(opcode, path, data, acl, flags);
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path).writeBuffer(data);
        ACL.writeList(out, acl);
        out.writeInt(flags);
    }
}
