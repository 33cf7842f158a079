package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.core.api.Acl;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.Adler32;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a tree as the snapshot ZooKeeper 3.9 itself writes ({@code FileSnap.serialize}, plain
 * stream): header "ZKSN" version 2 dbid -1, no sessions, the ACL table, the nodes parents first
 * with the root as "", the "/" end marker, a seal, the tree digest for the snapshot's zxid, a seal,
 * the last processed zxid, a seal. ZooKeeper 3.4–3.8 stop reading after the part they know.
 */
public final class ZkSnapshotWriter {
    private ZkSnapshotWriter() {
    }

    /** Sees one znode with ZooKeeper's stored fields. */
    public interface NodeVisitor {
        void node(String path, byte[] data, List<Acl> acl, long czxid, long mzxid, long ctime, long mtime, int version,
                  int storedCversion, int aversion, long ephemeralOwner, long pzxid) throws IOException;
    }

    /** The znodes to write, parents first; walked twice (the ACL table comes before the nodes), the same way both times. */
    public interface Source {
        void forEach(NodeVisitor visitor) throws IOException;
    }

    /**
     * Writes the znodes of {@code source} as the state after {@code zxid} into {@code file} and
     * fsyncs it; returns the tree digest written (ZooKeeper checks it when it loads the file).
     *
     * @param nodesWritten told the running count of nodes, for progress
     */
    public static long write(Source source, long zxid, Path file, LongConsumer nodesWritten) throws IOException {
        // World:anyone is ZooKeeper's implicit ACL -1; every other list gets a number, in order of first use.
        Map<List<Acl>, Long> ids = new IdentityHashMap<>();
        Map<List<Acl>, Long> byValue = new java.util.HashMap<>();
        List<List<Acl>> table = new java.util.ArrayList<>();
        source.forEach((path, data, acl, czxid, mzxid, ctime, mtime, version, cversion, aversion, owner, pzxid) -> {
            if (ids.containsKey(acl) || acl.equals(Acl.OPEN_ACL_UNSAFE)) return;
            Long id = byValue.get(acl);
            if (id == null) {
                id = (long) table.size() + 1;
                byValue.put(acl, id);
                table.add(acl);
            }
            ids.put(acl, id);
        });
        try (FileOutputStream fos = new FileOutputStream(file.toFile())) {
            // Buffered above the checksum too, so that it sums chunks, not single bytes; seals flush first.
            CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(fos, 1 << 16), new Adler32());
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
            out.writeInt(ZkFiles.SNAPSHOT_MAGIC);
            out.writeInt(ZkFiles.FORMAT_VERSION);
            out.writeLong(-1); // FileSnap's dbId
            out.writeInt(0);   // sessions: none cross a migration
            out.writeInt(table.size());
            for (int i = 0; i < table.size(); i++) {
                out.writeLong(i + 1);
                List<Acl> acl = table.get(i);
                out.writeInt(acl.size());
                for (Acl a : acl) {
                    out.writeInt(a.perms());
                    writeString(out, a.id().scheme());
                    writeString(out, a.id().id());
                }
            }
            ZkDigest digester = new ZkDigest();
            long[] state = new long[2]; // digest, count
            source.forEach((path, data, acl, czxid, mzxid, ctime, mtime, version, cversion, aversion, owner, pzxid) -> {
                writeString(out, path.equals(ZkTree.ROOT) ? "" : path);
                writeBuffer(out, data);
                Long id = ids.get(acl);
                out.writeLong(id == null ? -1 : id);
                out.writeLong(czxid);
                out.writeLong(mzxid);
                out.writeLong(ctime);
                out.writeLong(mtime);
                out.writeInt(version);
                out.writeInt(cversion);
                out.writeInt(aversion);
                out.writeLong(owner);
                out.writeLong(pzxid);
                state[0] += digester.of(path, data, czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, owner);
                if (++state[1] % 4096 == 0) nodesWritten.accept(state[1]);
            });
            writeString(out, "/");
            seal(out, checked);
            out.writeLong(zxid);
            out.writeInt(ZkDigest.VERSION);
            out.writeLong(state[0]);
            seal(out, checked);
            out.writeLong(zxid);
            seal(out, checked);
            out.flush();
            checked.flush();
            fos.getChannel().force(true);
            nodesWritten.accept(state[1]);
            return state[0];
        }
    }

    private static void seal(DataOutputStream out, CheckedOutputStream checked) throws IOException {
        out.flush(); // everything written so far reaches the checksum
        out.writeLong(checked.getChecksum().getValue());
        writeString(out, "/");
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBuffer(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBuffer(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }
}
