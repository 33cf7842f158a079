package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/** createTTL (21): create mode 5 or 6 with a time-to-live in milliseconds. */
public record CreateTTLRequest(String path, byte[] data, List<ACL> acl, int flags, long ttl)
        implements Request.MultiOp {

    public static CreateTTLRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        byte[] data = in.readBuffer();
        List<ACL> acl = ACL.readList(in);
        int flags = in.readInt();
        long ttl = in.readLong();
        return new CreateTTLRequest(path, data, acl, flags, ttl);
    }

    @Override
    public int opcode() {
        return OpCode.CREATE_TTL;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        ACL.writeList(out, acl);
        out.writeInt(flags);
        out.writeLong(ttl);
    }
}
