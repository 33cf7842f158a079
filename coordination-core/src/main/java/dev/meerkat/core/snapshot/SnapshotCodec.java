package dev.meerkat.core.snapshot;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Stat;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.PathRules;
import dev.meerkat.core.tree.Znode;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
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

    public static void write(StateMachine sm, long lastAppliedTerm, DataOutput out) throws IOException {
        DataTree tree = sm.tree();
        out.writeLong(MAGIC);
        out.writeLong(sm.lastApplied());
        out.writeLong(lastAppliedTerm);

        out.writeInt(sm.sessions().size());
        for (Session s : sm.sessions().values()) {
            out.writeLong(s.id());
            out.writeInt(s.timeoutMs());
            writeBytes(out, s.password());
        }

        // Nodes usually share a handful of ACL lists: store each once and refer to it by number.
        Map<List<Acl>, Integer> aclIds = new IdentityHashMap<>();
        Map<List<Acl>, Integer> aclByValue = new HashMap<>();
        List<List<Acl>> aclTable = new ArrayList<>();
        List<String> order = parentsFirst(tree);
        for (String path : order) {
            List<Acl> acl = tree.get(path).acl();
            if (!aclIds.containsKey(acl)) {
                Integer id = aclByValue.computeIfAbsent(acl, a -> {
                    aclTable.add(a);
                    return aclTable.size() - 1;
                });
                aclIds.put(acl, id);
            }
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

        out.writeInt(order.size());
        for (String path : order) {
            Znode z = tree.get(path);
            Stat s = z.stat();
            writeString(out, path);
            writeBytes(out, z.data());
            out.writeInt(aclIds.get(z.acl()));
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

    private static List<String> parentsFirst(DataTree tree) {
        List<String> order = new ArrayList<>(tree.size());
        ArrayDeque<String> todo = new ArrayDeque<>();
        todo.add("/");
        while (!todo.isEmpty()) {
            String path = todo.poll();
            order.add(path);
            for (String child : tree.get(path).children()) todo.add(PathRules.child(path, child));
        }
        return order;
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
