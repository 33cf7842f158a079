package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/**
 * First frame of a connection. {@code readOnly} is a trailing byte that pre-3.4 clients omit,
 * so it is read only when bytes remain (absent means false); it is always written.
 * {@code sessionId} 0 asks for a new session; otherwise the client re-attaches with its password.
 */
public record ConnectRequest(int protocolVersion, long lastZxidSeen, int timeOut, long sessionId, byte[] passwd,
                             boolean readOnly) {

    public static ConnectRequest read(JuteInput in) throws JuteException {
        int protocolVersion = in.readInt();
        long lastZxidSeen = in.readLong();
        int timeOut = in.readInt();
        long sessionId = in.readLong();
        byte[] passwd = in.readBuffer();
        boolean readOnly = in.hasRemaining() && in.readBool();
        return new ConnectRequest(protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly);
    }

    public void write(JuteOutput out) {
        out.writeInt(protocolVersion).writeLong(lastZxidSeen).writeInt(timeOut).writeLong(sessionId)
                .writeBuffer(passwd).writeBool(readOnly);
    }
}
