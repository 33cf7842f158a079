package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/** reconfig (16); strings may be null. */
public record ReconfigRequest(String joiningServers, String leavingServers, String newMembers, long curConfigId)
        implements Request {

    public static ReconfigRequest read(JuteInput in) throws JuteException {
        String joiningServers = in.readString();
        String leavingServers = in.readString();
        String newMembers = in.readString();
        long curConfigId = in.readLong();
        return new ReconfigRequest(joiningServers, leavingServers, newMembers, curConfigId);
    }

    @Override
    public int opcode() {
        return OpCode.RECONFIG;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(joiningServers);
        out.writeString(leavingServers);
        out.writeString(newMembers);
        out.writeLong(curConfigId);
    }
}
