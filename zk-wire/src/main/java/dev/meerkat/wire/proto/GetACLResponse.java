package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;
import java.util.Objects;

/** Reply to getACL (6). */
public record GetACLResponse(List<ACL> acl, Stat stat) implements Response {
    public GetACLResponse {
        Objects.requireNonNull(stat, "stat");
    }

    public static GetACLResponse read(JuteInput in) throws JuteException {
        List<ACL> acl = ACL.readList(in);
        Stat stat = Stat.read(in);
        return new GetACLResponse(acl, stat);
    }

    @Override
    public void write(JuteOutput out) {
        ACL.writeList(out, acl);
        stat.write(out);
    }
}
