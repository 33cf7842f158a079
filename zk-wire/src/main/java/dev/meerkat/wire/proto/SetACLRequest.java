package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/** setACL (7); version is the expected aversion, -1 any. */
public record SetACLRequest(String path, List<ACL> acl, int version) implements Request {

    public static SetACLRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        List<ACL> acl = ACL.readList(in);
        int version = in.readInt();
        return new SetACLRequest(path, acl, version);
    }

    @Override
    public int opcode() {
        return OpCode.SET_ACL;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
        ACL.writeList(out, acl);
        out.writeInt(version);
    }
}
