package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;

/** Reply to whoAmI (107): the session's identities. */
public record WhoAmIResponse(List<ClientInfo> clientInfo) implements Response {

    public static WhoAmIResponse read(JuteInput in) throws JuteException {
        return new WhoAmIResponse(in.readVector(ClientInfo::read, ClientInfo.MIN_SIZE));
    }

    @Override
    public void write(JuteOutput out) {
        out.writeVector(clientInfo, (o, c) -> c.write(o));
    }
}
