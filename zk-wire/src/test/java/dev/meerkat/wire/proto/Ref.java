package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;

/** Bridges to ZooKeeper's own generated records, which are the byte-for-byte reference. */
final class Ref {
    private Ref() {
    }

    /** The reference encoding of a ZooKeeper record. */
    static byte[] bytes(Record record) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            record.serialize(BinaryOutputArchive.getArchive(bos), "");
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Our encoding of whatever {@code writer} writes. */
    static byte[] ours(Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput(8);
        writer.accept(out);
        return out.toByteArray();
    }

    /** Deserializes {@code bytes} into {@code record} with ZooKeeper's reader. */
    static <R extends Record> R read(byte[] bytes, R record) {
        try {
            record.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(bytes)), "");
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static org.apache.zookeeper.data.Stat stat(Stat s) {
        return new org.apache.zookeeper.data.Stat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(),
                s.cversion(), s.aversion(), s.ephemeralOwner(), s.dataLength(), s.numChildren(), s.pzxid());
    }

    static org.apache.zookeeper.data.Id id(Id id) {
        return new org.apache.zookeeper.data.Id(id.scheme(), id.id());
    }

    static org.apache.zookeeper.data.ACL acl(ACL a) {
        return new org.apache.zookeeper.data.ACL(a.perms(), id(a.id()));
    }

    static List<org.apache.zookeeper.data.ACL> acls(List<ACL> acls) {
        return acls == null ? null : acls.stream().map(Ref::acl).toList();
    }
}
