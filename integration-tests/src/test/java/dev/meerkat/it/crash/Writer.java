package dev.meerkat.it.crash;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client writing continuously, and the test's own record of every write the server acknowledged.
 *
 * <p>The writer owns the subtree {@code /crash/w<id>}: plain nodes {@code n<k>} (created, updated,
 * deleted), and multi targets {@code m0..m3} that every multi updates together. It also creates and
 * deletes persistent sequential nodes under the shared {@code /crash/seq}. Writes are synchronous, one
 * at a time, so the record is exact: the only doubt is the one write in flight when the server died,
 * kept as {@link #uncertain()} until the next restart shows which way it went.
 */
final class Writer {
    static final String ROOT = "/crash";
    static final String SEQ_PARENT = ROOT + "/seq";
    static final int TARGETS = 4;

    private final int id;
    private final String root;
    private final Random random;
    private final Map<String, NodeState> sharedSeq;

    /** Thread-confined: to the writer during a burst, to the test thread between bursts. */
    private Map<String, NodeState> model = new TreeMap<>();
    private final List<String> plainNodes = new ArrayList<>();
    private final List<String> mySeqNodes = new ArrayList<>();
    private Uncertain uncertain;
    private AssertionError failure;
    private int nextNode;
    private long opNo;

    // Per-burst observations.
    private long zxidFloor;
    private long seqFloor;
    private long lastZxid;
    private long lastSeq;
    private long maxZxidAcked;
    private long maxSeqAcked;
    private int acked;
    private int burstAcked;

    Writer(int id, long seed, Map<String, NodeState> sharedSeq) {
        this.id = id;
        this.root = ROOT + "/w" + id;
        this.random = new Random(seed * 31 + id);
        this.sharedSeq = sharedSeq;
    }

    String root() {
        return root;
    }

    /** Creates this writer's subtree and multi targets on a fresh server; records the acknowledged states. */
    void setUp(ZooKeeper zk) throws Exception {
        Stat stat = new Stat();
        zk.create(root, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
        for (int i = 0; i < TARGETS; i++) {
            String p = root + "/m" + i;
            zk.create(p, bytes("init"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
            model.put(p, NodeState.created("init", stat.getCzxid()));
        }
    }

    /**
     * Writes until the connection is lost (the server was killed) or, for a kill of a quiet server,
     * until {@code stop} is set. Never throws: an unexpected reply is kept as {@link #failure()}.
     */
    void burst(ZooKeeper zk, long zxidFloor, long seqFloor, java.util.function.BooleanSupplier stop) {
        this.zxidFloor = zxidFloor;
        this.seqFloor = seqFloor;
        this.lastZxid = zxidFloor;
        this.lastSeq = seqFloor;
        this.burstAcked = 0;
        try {
            while (!stop.getAsBoolean() && writeOne(zk)) {
                acked++;
                burstAcked++;
            }
        } catch (AssertionError e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new AssertionError(root + ": interrupted", e);
        } catch (Exception e) {
            failure = new AssertionError(root + ": unexpected reply to op #" + opNo + ": " + e, e);
        }
    }

    /** One write; false once the reply was lost (the op is then {@link #uncertain()}). */
    private boolean writeOne(ZooKeeper zk) throws Exception {
        opNo++;
        // Deletes keep the tree (and so each verification) from growing without bound.
        int dice = random.nextInt(100);
        if (dice < 20 || (dice >= 45 && dice < 60 && plainNodes.isEmpty())) return create(zk);
        if (dice < 45) return setData(zk);
        if (dice < 60) return delete(zk);
        if (dice < 82) return multi(zk);
        if (dice < 94 || mySeqNodes.isEmpty()) return createSequential(zk);
        return deleteSequential(zk);
    }

    private boolean create(ZooKeeper zk) throws Exception {
        String path = root + "/n" + nextNode++;
        String data = "w" + id + ":c" + opNo;
        Stat stat = new Stat();
        try {
            zk.create(path, bytes(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
        } catch (KeeperException.ConnectionLossException e) {
            return lost(Uncertain.inSubtree("create " + path, Map.of(path, NodeState.created(data, NodeState.UNKNOWN))));
        }
        long z = ackedZxid("create " + path, stat.getCzxid());
        check(stat.getMzxid() == z && stat.getVersion() == 0, "create " + path + " returned stat " + stat);
        model.put(path, NodeState.created(data, z));
        plainNodes.add(path);
        return true;
    }

    private boolean setData(ZooKeeper zk) throws Exception {
        String path = plainNodes.isEmpty() || random.nextInt(4) == 0
                ? root + "/m" + random.nextInt(TARGETS)
                : plainNodes.get(random.nextInt(plainNodes.size()));
        NodeState before = model.get(path);
        String data = "w" + id + ":s" + opNo;
        Stat stat;
        try {
            stat = zk.setData(path, bytes(data), before.version());
        } catch (KeeperException.ConnectionLossException e) {
            return lost(Uncertain.inSubtree("setData " + path + " v" + before.version(), Map.of(path, before.withWrite(data, NodeState.UNKNOWN))));
        }
        long z = ackedZxid("setData " + path, stat.getMzxid());
        check(stat.getVersion() == before.version() + 1 && stat.getCzxid() == before.czxid(),
                "setData " + path + " on " + before + " returned stat " + stat);
        model.put(path, before.withWrite(data, z));
        return true;
    }

    private boolean delete(ZooKeeper zk) throws Exception {
        String path = plainNodes.get(random.nextInt(plainNodes.size()));
        NodeState before = model.get(path);
        Map<String, NodeState> gone = new LinkedHashMap<>();
        gone.put(path, null);
        try {
            zk.delete(path, before.version());
        } catch (KeeperException.ConnectionLossException e) {
            return lost(Uncertain.inSubtree("delete " + path + " v" + before.version(), gone));
        }
        model.remove(path);
        plainNodes.remove(path);
        return true;
    }

    /**
     * Sets the same marker on 1-3 multi targets and creates 0-2 new nodes with it, all or nothing. One
     * multi in eight ends with a check that fails, so that none of it may ever appear, even after replay.
     */
    private boolean multi(ZooKeeper zk) throws Exception {
        String marker = "w" + id + ":x" + opNo;
        int size = 2 + random.nextInt(2);
        int setCount = 1 + random.nextInt(Math.min(size, TARGETS));
        List<Integer> targetIdx = new ArrayList<>(List.of(0, 1, 2, 3));
        java.util.Collections.shuffle(targetIdx, random);
        List<Op> ops = new ArrayList<>();
        Map<String, NodeState> effect = new LinkedHashMap<>();
        for (int i = 0; i < setCount; i++) {
            String p = root + "/m" + targetIdx.get(i);
            NodeState before = model.get(p);
            ops.add(Op.setData(p, bytes(marker), before.version()));
            effect.put(p, before.withWrite(marker, NodeState.UNKNOWN));
        }
        for (int i = setCount; i < size; i++) {
            String p = root + "/n" + nextNode++;
            ops.add(Op.create(p, bytes(marker), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            effect.put(p, NodeState.created(marker, NodeState.UNKNOWN));
        }
        boolean doomed = random.nextInt(8) == 0;
        if (doomed) ops.add(Op.check(root, 7)); // the root is never written: version 0
        String what = (doomed ? "doomed multi " : "multi ") + effect.keySet() + " marker " + marker;
        List<OpResult> results;
        try {
            results = zk.multi(ops);
        } catch (KeeperException.ConnectionLossException e) {
            return lost(Uncertain.inSubtree(what, doomed ? Map.of() : effect));
        } catch (KeeperException.BadVersionException e) {
            check(doomed, what + " failed: " + e);
            return true; // nothing of it may ever appear: the model stays as it is
        }
        check(!doomed, what + " succeeded");
        check(results.size() == ops.size(), what + " returned " + results.size() + " results");
        long z = -1;
        for (OpResult r : results) {
            if (r instanceof OpResult.SetDataResult s) {
                check(z == -1 || z == s.getStat().getMzxid(), what + ": one multi, several zxids " + results);
                z = s.getStat().getMzxid();
            }
        }
        z = ackedZxid(what, z);
        for (Map.Entry<String, NodeState> e : effect.entrySet()) {
            NodeState s = e.getValue();
            NodeState acked = new NodeState(s.data(), s.version(), s.czxid() == NodeState.UNKNOWN ? z : s.czxid(), z);
            model.put(e.getKey(), acked);
            if (s.version() == 0) plainNodes.add(e.getKey());
        }
        return true;
    }

    private boolean createSequential(ZooKeeper zk) throws Exception {
        String data = "w" + id + ":q" + opNo;
        Stat stat = new Stat();
        String path;
        try {
            path = zk.create(SEQ_PARENT + "/s-", bytes(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, stat);
        } catch (KeeperException.ConnectionLossException e) {
            return lost(Uncertain.seqCreate("sequential create " + data, data));
        }
        long seq = sequenceOf(path);
        check(seq > lastSeq, "sequential create " + data + " got " + path + " but sequence " + lastSeq
                + (lastSeq == seqFloor ? " was seen before the last kill" : " was acknowledged before it"));
        lastSeq = seq;
        maxSeqAcked = Math.max(maxSeqAcked, seq);
        long z = ackedZxid("sequential create " + path, stat.getCzxid());
        sharedSeq.put(path, NodeState.created(data, z));
        mySeqNodes.add(path);
        return true;
    }

    private boolean deleteSequential(ZooKeeper zk) throws Exception {
        String path = mySeqNodes.get(random.nextInt(mySeqNodes.size()));
        try {
            zk.delete(path, 0);
        } catch (KeeperException.ConnectionLossException e) {
            return lost(Uncertain.seqDelete("delete " + path, path));
        }
        sharedSeq.remove(path);
        mySeqNodes.remove(path);
        return true;
    }

    private boolean lost(Uncertain op) {
        uncertain = op;
        return false;
    }

    /** An acknowledged zxid must be above everything seen before the last kill and above this session's previous one. */
    private long ackedZxid(String what, long zxid) {
        check(zxid > lastZxid, what + " acknowledged with zxid 0x" + Long.toHexString(zxid) + " but zxid 0x" + Long.toHexString(lastZxid)
                + (lastZxid == zxidFloor ? " was seen before the last kill (zxids went backwards)" : " was acknowledged before it in this session"));
        lastZxid = zxid;
        maxZxidAcked = Math.max(maxZxidAcked, zxid);
        return zxid;
    }

    private void check(boolean ok, String message) {
        if (!ok) throw new AssertionError(root + ": " + message);
    }

    // ------------------------------------------------------------------ after a restart

    /**
     * Compares the restarted server's view of this writer's subtree with the record: equal, or equal
     * to the record plus the whole of the uncertain write. Adopts what the server shows.
     *
     * @return "applied", "not applied", "either" (both outcomes look the same) or "-" (nothing uncertain)
     */
    String reconcile(Map<String, NodeState> actual, long floor, String when) {
        List<String> asRecorded = diff(model, actual, floor);
        String outcome;
        Uncertain u = uncertain != null && !uncertain.effect().isEmpty() ? uncertain : null;
        if (u == null) {
            if (!asRecorded.isEmpty()) {
                throw new AssertionError(when + ": " + root + " differs from the acknowledged writes"
                        + (uncertain == null ? "" : " (in flight at the kill: " + uncertain.description() + ", which does not touch this subtree)")
                        + ":\n  " + String.join("\n  ", asRecorded));
            }
            outcome = uncertain == null ? "-" : uncertain.effect().isEmpty() && (uncertain.seqCreateData() != null || uncertain.seqDeletePath() != null) ? "seq" : "either";
        } else {
            Map<String, NodeState> applied = new TreeMap<>(model);
            u.effect().forEach((p, s) -> {
                if (s == null) applied.remove(p);
                else applied.put(p, s);
            });
            List<String> asApplied = diff(applied, actual, floor);
            if (!asRecorded.isEmpty() && !asApplied.isEmpty()) {
                throw new AssertionError(when + ": " + root + " is neither the acknowledged state nor that plus the write in flight at the kill ("
                        + u.description() + (u.effect().size() > 1 ? ", a half-applied multi?" : "") + ")."
                        + "\n  against the acknowledged writes:\n    " + String.join("\n    ", asRecorded)
                        + "\n  against the acknowledged writes + the one in flight:\n    " + String.join("\n    ", asApplied));
            }
            outcome = asApplied.isEmpty() ? (asRecorded.isEmpty() ? "either" : "applied") : "not applied";
        }
        model = new TreeMap<>(actual);
        plainNodes.clear();
        for (String p : model.keySet()) if (p.startsWith(root + "/n")) plainNodes.add(p);
        if (uncertain != null && uncertain.effect() != null && !uncertain.effect().isEmpty()) uncertain = null;
        return outcome;
    }

    /** Called once the shared sequential parent has been reconciled. */
    void clearUncertain() {
        uncertain = null;
    }

    void adoptSequential(String path) {
        mySeqNodes.add(path);
    }

    void forgetSequential(String path) {
        mySeqNodes.remove(path);
    }

    /**
     * Differences between an expected and an actual tree. UNKNOWN zxids in the expected tree match one
     * and the same zxid above {@code floor} (a write is one log entry: a multi has one zxid).
     */
    static List<String> diff(Map<String, NodeState> expected, Map<String, NodeState> actual, long floor) {
        List<String> out = new ArrayList<>();
        Set<Long> unknownZxids = new HashSet<>();
        Set<String> paths = new TreeSet<>(expected.keySet());
        paths.addAll(actual.keySet());
        for (String p : paths) {
            NodeState e = expected.get(p);
            NodeState a = actual.get(p);
            if (e == null) {
                out.add(p + ": unexpected node " + a);
            } else if (a == null) {
                out.add(p + ": missing, expected " + e);
            } else {
                boolean same = java.util.Objects.equals(e.data(), a.data()) && e.version() == a.version()
                        && zxidMatches(e.czxid(), a.czxid(), floor, unknownZxids) && zxidMatches(e.mzxid(), a.mzxid(), floor, unknownZxids);
                if (!same) out.add(p + ": expected " + e + " but found " + a);
            }
        }
        if (unknownZxids.size() > 1) out.add("one write, several zxids: " + unknownZxids);
        return out;
    }

    private static boolean zxidMatches(long expected, long actual, long floor, Set<Long> unknown) {
        if (expected != NodeState.UNKNOWN) return expected == actual;
        unknown.add(actual);
        return actual > floor;
    }

    static long sequenceOf(String path) {
        return Long.parseLong(path.substring(path.length() - 10));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ accessors for the test thread

    Uncertain uncertain() {
        return uncertain;
    }

    AssertionError failure() {
        return failure;
    }

    Map<String, NodeState> model() {
        return model;
    }

    long maxZxidAcked() {
        return maxZxidAcked;
    }

    long maxSeqAcked() {
        return maxSeqAcked;
    }

    int acked() {
        return acked;
    }

    int burstAcked() {
        return burstAcked;
    }

    static Map<String, NodeState> newSharedSeq() {
        return new ConcurrentHashMap<>();
    }
}
