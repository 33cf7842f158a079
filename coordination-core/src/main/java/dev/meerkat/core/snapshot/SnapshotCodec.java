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
import java.util.Arrays;
import java.util.Comparator;
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
    private static final long MAGIC = 0x4D4B534E41503031L; // "MKSNAP01"
    private static final long END = 0x454E444D4B534E50L;

    private SnapshotCodec() {
    }

    /** Freezes the state; call on the thread that owns the tree. O(nodes), no lookups, no encoding. */
    public static SnapshotImage capture(StateMachine sm, long lastAppliedTerm) {
        DataTree tree = sm.tree();
        SnapshotImage.NodeImage[] nodes = new SnapshotImage.NodeImage[tree.size()];
        int[] i = {0};
        tree.forEachNode((path, z) -> nodes[i[0]++] = new SnapshotImage.NodeImage(path, z.data(), z.acl(), z.stat()));
        return new SnapshotImage(sm.lastApplied(), lastAppliedTerm, List.copyOf(sm.sessions().values()), nodes);
    }

    public static void write(StateMachine sm, long lastAppliedTerm, DataOutput out) throws IOException {
        write(capture(sm, lastAppliedTerm), out);
    }

    /** Encodes a captured image; any thread. Reorders the image's node array (parents first). */
    public static void write(SnapshotImage image, DataOutput out) throws IOException {
        out.writeLong(MAGIC);
        out.writeLong(image.lastApplied());
        out.writeLong(image.lastAppliedTerm());

        out.writeInt(image.sessions().size());
        for (Session s : image.sessions()) {
            out.writeLong(s.id());
            out.writeInt(s.timeoutMs());
            writeBytes(out, s.password());
        }

        SnapshotImage.NodeImage[] nodes = image.nodes();
        // Loading rebuilds the tree in one pass, so a parent must come before its children:
        // ordering by depth is enough, and cheaper than walking the tree.
        Arrays.sort(nodes, Comparator.comparingInt(n -> depth(n.path())));

        // Nodes usually share a handful of ACL lists: store each once and refer to it by number.
        // Lists are shared objects in the tree, so identity finds most repeats without hashing them.
        Map<List<Acl>, Integer> byIdentity = new IdentityHashMap<>();
        Map<List<Acl>, Integer> byValue = new HashMap<>();
        List<List<Acl>> aclTable = new ArrayList<>();
        int[] aclRef = new int[nodes.length];
        List<Acl> lastAcl = null;
        int lastRef = -1;
        for (int i = 0; i < nodes.length; i++) {
            List<Acl> acl = nodes[i].acl();
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

        out.writeInt(nodes.length);
        for (int i = 0; i < nodes.length; i++) {
            SnapshotImage.NodeImage n = nodes[i];
            Stat s = n.stat();
            writeString(out, n.path());
            writeBytes(out, n.data());
            out.writeInt(aclRef[i]);
            out.writeLong(s.czxid());
            out.writeLong(s.mzxid());
            out.writeLong(s.ctime());
            out.writeLong(s.mtime());
            out.writeInt(s.version());
            out.writeInt(s.cversion());
            out.writeInt(s.aversion());
            out.writeLong(s.ephemeralOwner());
            out.writeLong(s.pzxid());
        }
        out.writeLong(END);
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
        if (in.readLong() != MAGIC) throw new IOException("not a Meerkat snapshot (bad magic)");
        long lastApplied = in.readLong();
        long term = in.readLong();

        int sessionCount = in.readInt();
        Map<Long, Session> sessions = new HashMap<>(Math.max(16, sessionCount * 2));
        for (int i = 0; i < sessionCount; i++) {
            long id = in.readLong();
            int timeout = in.readInt();
            sessions.put(id, new Session(id, timeout, readBytes(in)));
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
