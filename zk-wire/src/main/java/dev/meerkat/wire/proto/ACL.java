package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;
import java.util.Objects;

/** Permissions bit set (read 1, write 2, create 4, delete 8, admin 16) granted to an {@link Id}. */
public record ACL(int perms, Id id) {
    public static final int MIN_SIZE = 4 + Id.MIN_SIZE;

    public ACL {
        Objects.requireNonNull(id, "id");
    }

    public static ACL read(JuteInput in) throws JuteException {
        return new ACL(in.readInt(), Id.read(in));
    }

    public void write(JuteOutput out) {
        out.writeInt(perms);
        id.write(out);
    }

    /** A vector of ACLs; null when the count is -1 (ZooKeeper then answers -114 invalid ACL). */
    static List<ACL> readList(JuteInput in) throws JuteException {
        return in.readVector(ACL::read, MIN_SIZE);
    }

    static void writeList(JuteOutput out, List<ACL> acl) {
        out.writeVector(acl, (o, a) -> a.write(o));
    }
}
