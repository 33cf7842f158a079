package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * A consistent image of the tree at one zxid, taken without stopping it: copy-on-write at node
 * granularity. The capture walks the live tree depth first, in short slices on the tree thread
 * ({@link #step}), between which the tree goes on changing; before any change to a node the
 * capture has not reached yet, the tree hands it that node's old state ({@link #beforeChange}), and
 * a node deleted before the capture reached it is remembered with its parent
 * ({@link #beforeDelete}). Nodes created after the capture began (czxid above its zxid) are
 * skipped. So what comes out is exactly the tree at the zxid, and no slice is longer than its
 * budget: the pause that grew with the tree (170 ms per million znodes) becomes slices of ~2 ms.
 *
 * <p>What is kept for a node is references to its data array and ACL list (the tree replaces
 * them, never changes them in place) and its stat fields; the records go out in chunks, in
 * preorder (each node after its parent, with its depth), to a {@link Sink} that encodes them on
 * another thread. A sink that has no room makes the capture wait for the next slice.
 */
public final class TreeCapture {
    /** Receives full chunks, in order; the last one has {@link Chunk#last} set. */
    public interface Sink {
        /** False when there is no room now: the same chunk is offered again at a later step. */
        boolean offer(Chunk chunk);

        /**
         * A chunk this sink took and is done with, for the capture to fill again; null when there is
         * none (the capture makes a new one). A sink that keeps its chunks (an in-memory image)
         * never hands one back. Each chunk is some 80 KB, so a capture of a million nodes that
         * made a new one every 1,024 nodes would leave 80 MB of garbage per snapshot.
         */
        default Chunk recycled() {
            return null;
        }
    }

    /** Up to {@link #CAPACITY} node records in parallel arrays; read-only once handed to the sink. */
    public static final class Chunk {
        public static final int CAPACITY = 1024;
        public static final int STAT_LONGS = 8;
        public final int[] depth = new int[CAPACITY];
        public final byte[][] name = new byte[CAPACITY][];
        public final byte[][] data = new byte[CAPACITY][];
        @SuppressWarnings("unchecked")
        public final List<Acl>[] acl = new List[CAPACITY];
        /** czxid, mzxid, ctime, mtime, version (high 32 bits) and cversion (low), aversion, ephemeralOwner, pzxid. */
        public final long[] stats = new long[CAPACITY * STAT_LONGS];
        public int size;
        public boolean last;

        boolean full() {
            return size == CAPACITY;
        }

        /** Empty again, holding on to no node's data, name or ACL. */
        void clear() {
            java.util.Arrays.fill(name, 0, size, null);
            java.util.Arrays.fill(data, 0, size, null);
            java.util.Arrays.fill(acl, 0, size, null);
            size = 0;
            last = false;
        }
    }

    /** A node's state as the capture must record it, kept when the node changed before being reached. */
    private record Preserved(byte[] data, List<Acl> acl, long[] stat) {
        static Preserved of(Znode z) {
            long[] s = new long[Chunk.STAT_LONGS];
            z.copyStat(s, 0);
            return new Preserved(z.data, z.acl, s);
        }
    }

    private static final Znode[] NONE = new Znode[0];

    /*
     * A node's {@code captured} field: the capture's mark once it was recorded; before that, the
     * mark with a flag for each map that holds something of it. Most nodes have nothing in either
     * map, and a visit then skips the lookups (an identity hash for every node of the tree).
     */
    private static final int MARK_MASK = (1 << 29) - 1;
    private static final int HAS_PRESERVED = 1 << 29;
    private static final int HAS_DELETED_KIDS = 1 << 30;

    /** The mark of the capture after one marked {@code last} (0 for none yet); never 0, never flagged. */
    static int nextMark(int last) {
        return (last & MARK_MASK) == MARK_MASK ? 1 : (last & MARK_MASK) + 1;
    }

    /** Children still to visit under one node. */
    private static final class Frame {
        final Znode[] kids;
        final List<Znode> deletedKids;
        final int depth;
        int next;

        Frame(Znode[] kids, List<Znode> deletedKids, int depth) {
            this.kids = kids;
            this.deletedKids = deletedKids;
            this.depth = depth;
        }

        Znode next() {
            if (next < kids.length) return kids[next++];
            int d = next++ - kids.length;
            return deletedKids != null && d < deletedKids.size() ? deletedKids.get(d) : null;
        }
    }

    private final DataTree tree;
    private final long zxid;
    private final int mark;
    private final Sink sink;
    private final IdentityHashMap<Znode, Preserved> preserved = new IdentityHashMap<>();
    private final IdentityHashMap<Znode, List<Znode>> deleted = new IdentityHashMap<>();
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private Znode root;
    private Chunk chunk = new Chunk();
    private long nodes;
    private long longestStepNanos;
    private int steps;
    private boolean done;
    /** The last step stopped because the sink had no room (not for its time budget). */
    private boolean waitingForSink;

    TreeCapture(DataTree tree, Znode root, long zxid, int mark, Sink sink) {
        this.tree = tree;
        this.root = root;
        this.zxid = zxid;
        if (mark <= 0 || mark > MARK_MASK) throw new IllegalArgumentException("capture mark " + mark);
        this.mark = mark;
        this.sink = sink;
    }

    public long zxid() {
        return zxid;
    }

    public boolean done() {
        return done;
    }

    /** Nodes recorded so far. */
    public long nodes() {
        return nodes;
    }

    /** The longest slice so far, in nanoseconds: the longest the tree waited for this capture. */
    public long longestStepNanos() {
        return longestStepNanos;
    }

    public int steps() {
        return steps;
    }

    /**
     * Tree thread: records nodes for about {@code budgetNanos} (checking the clock every few
     * hundred nodes), or until the sink has no room. True once the capture is complete and its last
     * chunk was taken.
     */
    public boolean step(long budgetNanos) {
        if (done) return true;
        waitingForSink = false;
        long t0 = System.nanoTime();
        long deadline = budgetNanos > Long.MAX_VALUE - t0 ? Long.MAX_VALUE : t0 + budgetNanos;
        try {
            if (chunk.full() && !hand()) return false;
            if (root != null) {
                visit(root, 0);
                root = null;
            }
            int work = 0;
            while (!stack.isEmpty()) {
                if (chunk.full() && !hand()) return false;
                if ((++work & 255) == 0 && System.nanoTime() > deadline) return false;
                Frame f = stack.peek();
                Znode next = f.next();
                if (next == null) {
                    stack.pop();
                } else if (next.captured != mark && next.czxid <= zxid) {
                    visit(next, f.depth);
                }
            }
            chunk.last = true;
            if (!hand()) return false;
            done = true;
            tree.captureEnded(this);
            return true;
        } finally {
            steps++;
            longestStepNanos = Math.max(longestStepNanos, System.nanoTime() - t0);
        }
    }

    /** Tree thread: gives up (the node is closing, or the snapshot cannot be written). */
    public void abort() {
        done = true;
        stack.clear();
        preserved.clear();
        deleted.clear();
        tree.captureEnded(this);
    }

    /** Whether the last step stopped because the sink had no room: another step gets nowhere until it takes a chunk. */
    public boolean waitingForSink() {
        return waitingForSink;
    }

    private boolean hand() {
        if (!sink.offer(chunk)) {
            waitingForSink = true;
            return false;
        }
        if (!chunk.last) {
            Chunk again = sink.recycled();
            if (again != null) again.clear();
            chunk = again != null ? again : new Chunk();
        }
        return true;
    }

    private void visit(Znode z, int depth) {
        int flags = flags(z);
        z.captured = mark;
        Preserved old = (flags & HAS_PRESERVED) != 0 ? preserved.remove(z) : null;
        Chunk c = chunk;
        int i = c.size++;
        c.depth[i] = depth;
        c.name[i] = z.name;
        if (old != null) {
            c.data[i] = old.data;
            c.acl[i] = old.acl;
            System.arraycopy(old.stat, 0, c.stats, i * Chunk.STAT_LONGS, Chunk.STAT_LONGS);
        } else {
            c.data[i] = z.data;
            c.acl[i] = z.acl;
            z.copyStat(c.stats, i * Chunk.STAT_LONGS);
        }
        nodes++;
        List<Znode> gone = (flags & HAS_DELETED_KIDS) != 0 ? deleted.remove(z) : null;
        Znode[] kids = z.children == null || z.children.size() == 0 ? NONE : z.children.toArray();
        if (kids.length > 0 || gone != null) stack.push(new Frame(kids, gone, depth + 1));
    }

    /** Before {@code z} changes (data, ACL, stat, children). */
    void beforeChange(Znode z) {
        if (done || z.captured == mark || z.czxid > zxid) return;
        int flags = flags(z);
        if ((flags & HAS_PRESERVED) != 0) return;
        preserved.put(z, Preserved.of(z));
        z.captured = mark | flags | HAS_PRESERVED;
    }

    /** Before {@code child} is deleted from {@code parent}. */
    void beforeDelete(Znode parent, Znode child) {
        if (done || child.captured == mark || child.czxid > zxid) return;
        // A parent already reached holds the child in its frame's copy of its children.
        if (parent.captured != mark) {
            deleted.computeIfAbsent(parent, k -> new ArrayList<>()).add(child);
            parent.captured = mark | flags(parent) | HAS_DELETED_KIDS;
        }
    }

    /** What this capture holds of a node it has not recorded yet (flags of an older capture's mark do not count). */
    private int flags(Znode z) {
        int c = z.captured;
        return (c & MARK_MASK) == mark ? c & ~MARK_MASK : 0;
    }
}
