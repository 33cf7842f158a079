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

    /**
     * Writes {@code tree} as the state after {@code zxid} into {@code file} and fsyncs it.
     *
     * @param nodesWritten told the running count of nodes, for progress
     */
    public static void write(ZkTree tree, long zxid, Path file, LongConsumer nodesWritten) throws IOException {
        try (FileOutputStream fos = new FileOutputStream(file.toFile())) {
            // Buffered above the checksum too, so that it sums chunks, not single bytes; seals flush first.
            CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(fos, 1 << 16), new Adler32());
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
            out.writeInt(ZkFiles.SNAPSHOT_MAGIC);
            out.writeInt(ZkFiles.FORMAT_VERSION);
            out.writeLong(-1); // FileSnap's dbId
            out.writeInt(0);   // sessions: none cross a migration

            List<String> paths = new java.util.ArrayList<>(tree.size());
            List<ZkNode> nodes = new java.util.ArrayList<>(tree.size());
            tree.forEachParentsFirst((p, n) -> {
                paths.add(p);
                nodes.add(n);
            });
            // World:anyone is ZooKeeper's implicit ACL -1; every other list gets a number, in order of first use.
            Map<List<Acl>, Long> ids = new IdentityHashMap<>();
            List<List<Acl>> table = new java.util.ArrayList<>();
            for (ZkNode node : nodes) {
                List<Acl> acl = node.acl();
                if (acl.equals(Acl.OPEN_ACL_UNSAFE) || ids.containsKey(acl)) continue;
                ids.put(acl, (long) table.size() + 1);
                table.add(acl);
            }
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
            long count = 0;
            for (int i = 0; i < paths.size(); i++) {
                String p = paths.get(i);
                ZkNode n = nodes.get(i);
                writeString(out, p.equals(ZkTree.ROOT) ? "" : p);
                writeBuffer(out, n.data);
                out.writeLong(n.acl.equals(Acl.OPEN_ACL_UNSAFE) ? -1 : ids.get(n.acl));
                out.writeLong(n.czxid);
                out.writeLong(n.mzxid);
                out.writeLong(n.ctime);
                out.writeLong(n.mtime);
                out.writeInt(n.version);
                out.writeInt(n.cversion);
                out.writeInt(n.aversion);
                out.writeLong(n.ephemeralOwner);
                out.writeLong(n.pzxid);
                if (++count % 4096 == 0) nodesWritten.accept(count);
            }
            writeString(out, "/");
            seal(out, checked);
            out.writeLong(zxid);
            out.writeInt(ZkDigest.VERSION);
            out.writeLong(tree.digest());
            seal(out, checked);
            out.writeLong(zxid);
            seal(out, checked);
            out.flush();
            checked.flush();
            fos.getChannel().force(true);
            nodesWritten.accept(count);
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
