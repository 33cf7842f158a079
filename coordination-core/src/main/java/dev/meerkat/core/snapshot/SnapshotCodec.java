package dev.meerkat.core.snapshot;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Stat;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.TreeCapture;
import dev.meerkat.core.tree.Znode;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole replicated state in one stream: sessions, then every znode in preorder (each after
 * its parent) as its depth and its own name rather than its path, so loading rebuilds the tree in
 * one pass without looking anything up. Each distinct ACL list is written once, where it first
 * appears, and later referred to by number, which lets the encoder stream nodes as a capture
 * produces them. Integrity is the snapshot file's job (checksum trailer); this format only guards
 * against mixing versions. Older formats (MKSNAP01, MKSNAP02: full paths, parents first, an ACL
 * table up front) are still read.
 */
public final class SnapshotCodec {
    private static final long MAGIC_V1 = 0x4D4B534E41503031L; // "MKSNAP01": sessions without owners
    private static final long MAGIC_V2 = 0x4D4B534E41503032L; // "MKSNAP02": full paths, ACL table first
    private static final long MAGIC = 0x4D4B534E41503033L; // "MKSNAP03"
    private static final long END = 0x454E444D4B534E50L;

    private SnapshotCodec() {
    }

    /**
     * Freezes the whole state at once on the thread that owns the tree (the tree waits for the whole
     * walk; the node's own snapshots use {@link DataTree#beginCapture} in slices instead).
     */
    public static SnapshotImage capture(StateMachine sm, long lastAppliedTerm) {
        List<TreeCapture.Chunk> chunks = new ArrayList<>();
        TreeCapture capture = sm.tree().beginCapture(sm.lastApplied(), chunks::add);
        while (!capture.step(Long.MAX_VALUE)) {
            throw new IllegalStateException("a capture into a list cannot wait");
        }
        return new SnapshotImage(sm.lastApplied(), lastAppliedTerm, List.copyOf(sm.sessions().values()), chunks);
    }

    public static void write(StateMachine sm, long lastAppliedTerm, DataOutput out) throws IOException {
        write(capture(sm, lastAppliedTerm), out);
    }

    /** Encodes a captured image; any thread. */
    public static void write(SnapshotImage image, DataOutput out) throws IOException {
        Encoder e = new Encoder(out, image.lastApplied(), image.lastAppliedTerm(), image.sessions());
        for (TreeCapture.Chunk c : image.chunks()) e.write(c);
        e.finish();
    }

    /** Streams a snapshot: the header first, then chunks in capture order, then {@link #finish}. One thread. */
    public static final class Encoder {
        private final DataOutput out;
        private final Map<List<Acl>, Integer> aclRefs = new IdentityHashMap<>();
        private final Map<List<Acl>, Integer> aclByValue = new HashMap<>();
        private long nodes;

        public Encoder(DataOutput out, long lastApplied, long lastAppliedTerm, List<Session> sessions) throws IOException {
            this.out = out;
            out.writeLong(MAGIC);
            out.writeLong(lastApplied);
            out.writeLong(lastAppliedTerm);
            out.writeInt(sessions.size());
            for (Session s : sessions) {
                out.writeLong(s.id());
                out.writeInt(s.timeoutMs());
                writeBytes(out, s.password());
                out.writeLong(s.ownerServer());
            }
        }

        public void write(TreeCapture.Chunk c) throws IOException {
            long[] stats = c.stats;
            for (int k = 0; k < c.size; k++) {
                int o = k * TreeCapture.Chunk.STAT_LONGS;
                out.writeInt(c.depth[k]);
                writeBytes(out, c.name[k]);
                writeBytes(out, c.data[k]);
                writeAcl(c.acl[k]);
                out.writeLong(stats[o]);                         // czxid
                out.writeLong(stats[o + 1]);                     // mzxid
                out.writeLong(stats[o + 2]);                     // ctime
                out.writeLong(stats[o + 3]);                     // mtime
                out.writeInt((int) (stats[o + 4] >>> 32));       // version
                out.writeInt((int) stats[o + 4]);                // cversion
                out.writeInt((int) stats[o + 5]);                // aversion
                out.writeLong(stats[o + 6]);                     // ephemeralOwner
                out.writeLong(stats[o + 7]);                     // pzxid
            }
            nodes += c.size;
        }

        /** A list's number; a list not seen before is written out in full right here and numbered next. */
        private void writeAcl(List<Acl> acl) throws IOException {
            Integer ref = aclRefs.get(acl);
            if (ref == null) ref = aclByValue.get(acl);
            if (ref != null) {
                aclRefs.put(acl, ref);
                out.writeInt(ref);
                return;
            }
            ref = aclByValue.size();
            aclByValue.put(acl, ref);
            aclRefs.put(acl, ref);
            out.writeInt(ref);
            out.writeInt(acl.size());
            for (Acl a : acl) {
                out.writeInt(a.perms());
                writeString(out, a.id().scheme());
                writeString(out, a.id().id());
            }
        }

        public long nodes() {
            return nodes;
        }

        public void finish() throws IOException {
            out.writeInt(-1);
            out.writeLong(END);
        }
    }

    /** A loaded snapshot: the state machine and the term of its last applied entry. */
    public record Loaded(StateMachine stateMachine, long lastAppliedTerm) {
    }

    public static Loaded read(DataInput in) throws IOException {
        long magic = in.readLong();
        if (magic != MAGIC && magic != MAGIC_V2 && magic != MAGIC_V1) throw new IOException("not a Meerkat snapshot (bad magic)");
        long lastApplied = in.readLong();
        long term = in.readLong();

        int sessionCount = in.readInt();
        Map<Long, Session> sessions = new HashMap<>(Math.max(16, sessionCount * 2));
        for (int i = 0; i < sessionCount; i++) {
            long id = in.readLong();
            int timeout = in.readInt();
            byte[] password = readBytes(in);
            sessions.put(id, new Session(id, timeout, password, magic == MAGIC_V1 ? 0 : in.readLong()));
        }

        if (magic == MAGIC) {
            DataTree tree = readTree(in);
            if (in.readLong() != END) throw new IOException("snapshot ends early or carries extra data");
            return new Loaded(new StateMachine(tree, sessions, lastApplied), term);
        }

        int aclCount = in.readInt();
        List<List<Acl>> aclTable = new ArrayList<>(aclCount);
        for (int i = 0; i < aclCount; i++) {
            int n = in.readInt();
            List<Acl> acl = new ArrayList<>(n);
            for (int j = 0; j < n; j++) acl.add(new Acl(in.readInt(), new AuthId(readString(in), readString(in))));
            aclTable.add(List.copyOf(acl));
        }

        DataTree tree = DataTree.empty();
        int nodeCount = in.readInt();
        for (int i = 0; i < nodeCount; i++) {
            String path = readString(in);
            byte[] data = readBytes(in);
            List<Acl> acl = aclTable.get(in.readInt());
            long czxid = in.readLong();
            long mzxid = in.readLong();
            long ctime = in.readLong();
            long mtime = in.readLong();
            int version = in.readInt();
            int cversion = in.readInt();
            int aversion = in.readInt();
            long owner = in.readLong();
            long pzxid = in.readLong();
            tree.restore(path, data, acl, new Stat(czxid, mzxid, ctime, mtime, version, cversion, aversion, owner,
                    data == null ? 0 : data.length, 0, pzxid));
        }
        if (in.readLong() != END) throw new IOException("snapshot ends early or carries extra data");
        return new Loaded(new StateMachine(tree, sessions, lastApplied), term);
    }

    /** MKSNAP03's nodes: preorder, depth and name; a stack of the open ancestors rebuilds paths as bytes. */
    private static DataTree readTree(DataInput in) throws IOException {
        DataTree tree = DataTree.empty();
        List<List<Acl>> aclTable = new ArrayList<>();
        Znode[] ancestors = new Znode[64];
        int[] pathLen = new int[64];
        int[] pathChars = new int[64];
        byte[] path = new byte[256];
        int open = 0; // ancestors[0, open) are the path of the last node read
        for (int depth; (depth = in.readInt()) >= 0; ) {
            if (depth > open || (depth == 0) != (open == 0)) throw new IOException("snapshot node at depth " + depth + " after " + open + " open levels");
            byte[] name = readBytes(in);
            if (name == null) throw new IOException("null name in snapshot");
            byte[] data = readBytes(in);
            int ref = in.readInt();
            if (ref == aclTable.size()) {
                int n = in.readInt();
                if (n < 0 || n > 1 << 16) throw new IOException("implausible ACL size " + n + " in snapshot");
                List<Acl> acl = new ArrayList<>(n);
                for (int j = 0; j < n; j++) acl.add(new Acl(in.readInt(), new AuthId(readString(in), readString(in))));
                aclTable.add(List.copyOf(acl));
            } else if (ref < 0 || ref > aclTable.size()) {
                throw new IOException("ACL " + ref + " referred to before it was defined");
            }
            int len;
            int chars;
            if (depth == 0) {
                path[0] = '/';
                len = 1;
                chars = 1;
            } else {
                int base = depth == 1 ? 0 : pathLen[depth - 1];
                len = base + 1 + name.length;
                if (len > path.length) path = java.util.Arrays.copyOf(path, Math.max(len, path.length * 2));
                path[base] = '/';
                System.arraycopy(name, 0, path, base + 1, name.length);
                chars = (depth == 1 ? 0 : pathChars[depth - 1]) + 1 + DataTree.nameChars(name);
            }
            Znode node = tree.restoreChild(depth == 0 ? null : ancestors[depth - 1], name, path, len, chars, data, aclTable.get(ref),
                    in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readInt(),
                    in.readLong(), in.readLong());
            if (depth + 1 >= ancestors.length) {
                ancestors = java.util.Arrays.copyOf(ancestors, ancestors.length * 2);
                pathLen = java.util.Arrays.copyOf(pathLen, pathLen.length * 2);
                pathChars = java.util.Arrays.copyOf(pathChars, pathChars.length * 2);
            }
            ancestors[depth] = node;
            pathLen[depth] = len;
            pathChars[depth] = chars;
            open = depth + 1;
        }
        return tree;
    }

    private static void writeString(DataOutput out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInput in) throws IOException {
        byte[] b = readBytes(in);
        if (b == null) throw new IOException("null string in snapshot");
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutput out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        if (n > (1 << 30)) throw new IOException("implausible length " + n + " in snapshot");
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
