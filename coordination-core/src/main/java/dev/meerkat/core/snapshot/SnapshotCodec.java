package dev.meerkat.core.snapshot;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Stat;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.tree.DataTree;

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
 * The whole replicated state in one stream: sessions, an ACL table (each distinct ACL list once,
 * as most nodes share a few), and every znode with parents before children, so loading can rebuild
 * the tree in one pass. Integrity is the snapshot file's job (checksum trailer); this format only
 * guards against mixing versions.
 */
public final class SnapshotCodec {
    private static final long MAGIC_V1 = 0x4D4B534E41503031L; // "MKSNAP01": sessions without owners
    private static final long MAGIC = 0x4D4B534E41503032L; // "MKSNAP02"
    private static final long END = 0x454E444D4B534E50L;

    private SnapshotCodec() {
    }

    /** Freezes the state; call on the thread that owns the tree. O(nodes), no lookups, no encoding. */
    @SuppressWarnings("unchecked")
    public static SnapshotImage capture(StateMachine sm, long lastAppliedTerm) {
        DataTree tree = sm.tree();
        int n = tree.size();
        String[] paths = new String[n];
        byte[][] data = new byte[n][];
        List<Acl>[] acls = new List[n];
        long[] stats = new long[n * SnapshotImage.STAT_LONGS];
        int[] i = {0};
        tree.forEachNode((path, z) -> {
            int k = i[0]++;
            paths[k] = path;
            data[k] = z.data();
            acls[k] = z.acl();
            z.copyStat(stats, k * SnapshotImage.STAT_LONGS);
        });
        return new SnapshotImage(sm.lastApplied(), lastAppliedTerm, List.copyOf(sm.sessions().values()), paths, data, acls, stats);
    }

    public static void write(StateMachine sm, long lastAppliedTerm, DataOutput out) throws IOException {
        write(capture(sm, lastAppliedTerm), out);
    }

    /** Encodes a captured image; any thread. */
    public static void write(SnapshotImage image, DataOutput out) throws IOException {
        out.writeLong(MAGIC);
        out.writeLong(image.lastApplied());
        out.writeLong(image.lastAppliedTerm());

        out.writeInt(image.sessions().size());
        for (Session s : image.sessions()) {
            out.writeLong(s.id());
            out.writeInt(s.timeoutMs());
            writeBytes(out, s.password());
            out.writeLong(s.ownerServer());
        }

        int[] order = parentsFirst(image.paths());

        // Nodes usually share a handful of ACL lists: store each once and refer to it by number.
        // Lists are shared objects in the tree, so identity finds most repeats without hashing them.
        List<Acl>[] acls = image.acls();
        Map<List<Acl>, Integer> byIdentity = new IdentityHashMap<>();
        Map<List<Acl>, Integer> byValue = new HashMap<>();
        List<List<Acl>> aclTable = new ArrayList<>();
        int[] aclRef = new int[acls.length];
        List<Acl> lastAcl = null;
        int lastRef = -1;
        for (int i = 0; i < acls.length; i++) {
            List<Acl> acl = acls[i];
            if (acl != lastAcl) {
                Integer ref = byIdentity.get(acl);
                if (ref == null) {
                    ref = byValue.computeIfAbsent(acl, a -> {
                        aclTable.add(a);
                        return aclTable.size() - 1;
                    });
                    byIdentity.put(acl, ref);
                }
                lastAcl = acl;
                lastRef = ref;
            }
            aclRef[i] = lastRef;
        }
        out.writeInt(aclTable.size());
        for (List<Acl> acl : aclTable) {
            out.writeInt(acl.size());
            for (Acl a : acl) {
                out.writeInt(a.perms());
                writeString(out, a.id().scheme());
                writeString(out, a.id().id());
            }
        }

        long[] stats = image.stats();
        out.writeInt(order.length);
        for (int k : order) {
            int o = k * SnapshotImage.STAT_LONGS;
            writeString(out, image.paths()[k]);
            writeBytes(out, image.data()[k]);
            out.writeInt(aclRef[k]);
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
        out.writeLong(END);
    }

    /**
     * Node indexes ordered by depth, so loading (one pass) always meets a parent before its children.
     * A counting sort: depths are small integers.
     */
    private static int[] parentsFirst(String[] paths) {
        int[] depth = new int[paths.length];
        int max = 0;
        for (int i = 0; i < paths.length; i++) {
            depth[i] = depth(paths[i]);
            max = Math.max(max, depth[i]);
        }
        int[] start = new int[max + 2];
        for (int d : depth) start[d + 1]++;
        for (int d = 1; d < start.length; d++) start[d] += start[d - 1];
        int[] order = new int[paths.length];
        for (int i = 0; i < paths.length; i++) order[start[depth[i]]++] = i;
        return order;
    }

    private static int depth(String path) {
        if (path.length() == 1) return 0;
        int d = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') d++;
        }
        return d;
    }

    /** A loaded snapshot: the state machine and the term of its last applied entry. */
    public record Loaded(StateMachine stateMachine, long lastAppliedTerm) {
    }

    public static Loaded read(DataInput in) throws IOException {
        long magic = in.readLong();
        if (magic != MAGIC && magic != MAGIC_V1) throw new IOException("not a Meerkat snapshot (bad magic)");
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
        tree.restored();
        return new Loaded(new StateMachine(tree, sessions, lastApplied), term);
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
