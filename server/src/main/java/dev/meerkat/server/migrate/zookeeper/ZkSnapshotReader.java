package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Reads one ZooKeeper snapshot file ({@code FileSnap.deserialize}):
 * <pre>
 *   FileHeader {int magic "ZKSN", int version, long dbid}
 *   int count, count × {long sessionId, int timeoutMs}
 *   ACL cache: int count, count × {long id, vector&lt;ACL&gt;}      (id -1, world:anyone, is implicit)
 *   nodes, parents first: {ustring path ("" is the root), buffer data, long aclId, StatPersisted},
 *     ended by the path "/"
 *   seal: long Adler32 of everything before it, ustring "/"
 *   3.6+: ZxidDigest {long zxid, int version, long digest (version 1: a hex ustring)}, seal
 *   3.9+: long lastProcessedZxid, seal
 * </pre>
 * The optional trailing sections are read as ZooKeeper reads them: an end of file where one would
 * start means an older snapshot, not damage.
 */
final class ZkSnapshotReader {
    /** Field sizes allowed in a snapshot; ZooKeeper's own limit (jute.maxbuffer) is far lower by default. */
    static final int MAX_FIELD_BYTES = 1 << 30;

    /** What the snapshot carried besides the tree. */
    record Loaded(ZkTree tree, long dbid, ZkTxn.Digest digest, long digestZxid) {
    }

    private ZkSnapshotReader() {
    }

    /**
     * Loads {@code file} into a new tree.
     *
     * @param fileBytesRead told how many bytes of the file (compressed, as on disk) have been read
     * @throws ZkDataException naming the offset (in the decompressed stream) where the snapshot is damaged
     */
    static Loaded read(ZkFiles.ZkFile file, AclInterner acls, LongConsumer fileBytesRead) throws ZkDataException {
        Path path = file.path();
        ZkStreamReader in = null;
        try {
            CountingStream raw = new CountingStream(Files.newInputStream(path), fileBytesRead);
            in = new ZkStreamReader(ZkFiles.open(path, raw), true);
            return read(path, in, acls);
        } catch (ZkDataException e) {
            throw e;
        } catch (EOFException e) {
            throw new ZkDataException(path, in == null ? -1 : in.position(), "the file ends early (cut short?)", e);
        } catch (ZkStreamReader.ZkLengthException e) {
            throw new ZkDataException(path, in == null ? -1 : in.position() - 4, e.getMessage(), e);
        } catch (IOException e) {
            throw new ZkDataException(path, in == null ? -1 : in.position(), "cannot read: " + e, e);
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    private static Loaded read(Path path, ZkStreamReader in, AclInterner acls) throws IOException {
        int magic = in.readInt();
        if (magic != ZkFiles.SNAPSHOT_MAGIC) {
            throw new ZkDataException(path, 0, String.format("not a ZooKeeper snapshot (magic 0x%08x, expected \"ZKSN\")", magic));
        }
        int version = in.readInt();
        if (version != ZkFiles.FORMAT_VERSION) throw new ZkDataException(path, 4, "snapshot format version " + version + ", expected 2");
        long dbid = in.readLong();

        ZkTree tree = ZkTree.empty(acls);
        int sessions = in.readInt();
        if (sessions < 0) throw new ZkDataException(path, in.position() - 4, "negative session count " + sessions);
        for (int i = 0; i < sessions; i++) tree.sessions().put(in.readLong(), in.readInt());

        Map<Long, List<Acl>> aclTable = readAclTable(path, in, acls);

        while (true) {
            long at = in.position();
            String p = in.readString(MAX_FIELD_BYTES);
            if (p == null) throw new ZkDataException(path, at, "null path");
            if (p.equals("/")) break;
            byte[] data = in.readBuffer(MAX_FIELD_BYTES);
            long aclId = in.readLong();
            List<Acl> acl = aclId == -1 ? Acl.OPEN_ACL_UNSAFE : aclTable.get(aclId);
            if (acl == null) {
                throw new ZkDataException(path, at, "znode " + (p.isEmpty() ? "/" : p) + " refers to ACL " + aclId
                        + ", which the snapshot's ACL table does not hold");
            }
            ZkNode n = new ZkNode(data, acl);
            n.czxid = in.readLong();
            n.mzxid = in.readLong();
            n.ctime = in.readLong();
            n.mtime = in.readLong();
            n.version = in.readInt();
            n.cversion = in.readInt();
            n.aversion = in.readInt();
            n.ephemeralOwner = in.readLong();
            n.pzxid = in.readLong();
            String nodePath = p.isEmpty() ? ZkTree.ROOT : p;
            if (!nodePath.startsWith("/")) throw new ZkDataException(path, at, "znode path '" + p + "' does not start with /");
            if (!tree.load(nodePath, n)) {
                throw new ZkDataException(path, at, "znode " + nodePath + " comes before its parent " + ZkTree.parentOf(nodePath)
                        + " (ZooKeeper: \"Invalid Datatree\")");
            }
        }
        if (tree.get(ZkTree.ROOT) == null) throw new ZkDataException(path, in.position(), "the snapshot holds no root znode");
        checkSeal(path, in);

        ZkTxn.Digest digest = null;
        long digestZxid = 0;
        if (!in.atEnd()) {
            digestZxid = in.readLong();
            int digestVersion = in.readInt();
            long value;
            if (digestVersion < 2) {
                String hex = in.readString(MAX_FIELD_BYTES);
                value = hex == null ? 0 : Long.parseUnsignedLong(hex, 16);
            } else {
                value = in.readLong();
            }
            checkSeal(path, in);
            if (digestZxid > 0) digest = new ZkTxn.Digest(digestVersion, value);
            if (!in.atEnd()) {
                in.readLong(); // lastProcessedZxid (3.9): ZooKeeper takes the file name's zxid regardless
                checkSeal(path, in);
            }
        }
        return new Loaded(tree, dbid, digest, digestZxid);
    }

    private static Map<Long, List<Acl>> readAclTable(Path path, ZkStreamReader in, AclInterner acls) throws IOException {
        int count = in.readInt();
        if (count < 0) throw new ZkDataException(path, in.position() - 4, "negative ACL table size " + count);
        Map<Long, List<Acl>> table = new HashMap<>(Math.max(16, count * 2));
        for (int i = 0; i < count; i++) {
            long id = in.readLong();
            long at = in.position();
            int n = in.readInt();
            if (n < 0) throw new ZkDataException(path, at, "ACL " + id + " has no list (count " + n + ")");
            List<Acl> acl = new ArrayList<>(Math.min(n, 1024));
            for (int j = 0; j < n; j++) {
                int perms = in.readInt();
                String scheme = in.readString(MAX_FIELD_BYTES);
                String ident = in.readString(MAX_FIELD_BYTES);
                acl.add(new Acl(perms, new AuthId(scheme == null ? "" : scheme, ident == null ? "" : ident)));
            }
            table.put(id, acls.intern(acl));
        }
        return table;
    }

    /** {@code SnapStream.checkSealIntegrity}: the Adler32 so far, then the "/" it was sealed with. */
    private static void checkSeal(Path path, ZkStreamReader in) throws IOException {
        long expected = in.checksum();
        long at = in.position();
        long sealed = in.readLong();
        String slash = in.readString(16);
        if (sealed != expected) {
            throw new ZkDataException(path, at, String.format("checksum mismatch (sealed 0x%x, content 0x%x): the snapshot is corrupt", sealed, expected));
        }
        if (!"/".equals(slash)) throw new ZkDataException(path, at + 8, "seal not followed by \"/\"");
    }

    /** Counts the bytes read from the file itself, for progress on compressed snapshots too. */
    static final class CountingStream extends FilterInputStream {
        private final LongConsumer sink;
        private long count;

        CountingStream(InputStream in, LongConsumer sink) {
            super(in);
            this.sink = sink;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) sink.accept(++count);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) sink.accept(count += n);
            return n;
        }
    }
}
