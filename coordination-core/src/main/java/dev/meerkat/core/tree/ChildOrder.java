package dev.meerkat.core.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The order in which ZooKeeper lists a node's children. ZooKeeper promises none, but it answers in
 * the iteration order of the {@code java.util.HashSet<String>(8)} each of its nodes keeps, and
 * client code (Kafka's own tests among it) has come to depend on that order. This class computes
 * it from what any representation of the children can keep: the names in the order they were
 * added, and the size of the hash table, which grows as ZooKeeper's does and never shrinks.
 *
 * <p>A {@code HashSet} iterates its table bucket by bucket; a name's bucket is its spread hash
 * ({@code h ^ h >>> 16}) masked by the table size; within a bucket names stay in the order they
 * were added (a resize splits a bucket without reordering it; a removal leaves the others in
 * place). The table starts at 8 buckets and doubles whenever the size exceeds three quarters of
 * it. Not reproduced: the order inside a bucket that HashMap turned into a tree, which needs 9
 * names in one bucket of a table of at least 64: some one in 10^7 buckets for real names.
 */
public final class ChildOrder {
    /** ZooKeeper's {@code DataNode} creates its set with {@code new HashSet<>(8)}. */
    public static final int INITIAL_CAPACITY = 8;

    private ChildOrder() {
    }

    /** The table size after the set has held {@code size} names, starting from {@code capacity}. */
    public static int capacityFor(int capacity, int size) {
        int c = Math.max(capacity, INITIAL_CAPACITY);
        while (size > c - (c >>> 2) && c < (1 << 30)) c <<= 1;
        return c;
    }

    /** ZooKeeper's order of {@code namesInAddedOrder} in a table of {@code capacity} buckets (a power of two). */
    public static List<String> order(Collection<String> namesInAddedOrder, int capacity) {
        int n = namesInAddedOrder.size();
        if (n == 0) return List.of();
        if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
        int mask = capacity - 1;
        String[] names = namesInAddedOrder.toArray(new String[0]);
        // A stable counting sort by bucket keeps the added order within each bucket.
        int[] bucketOf = new int[n];
        if (capacity <= 4 * n + 64) {
            int[] start = new int[capacity + 1];
            for (int i = 0; i < n; i++) {
                bucketOf[i] = spread(names[i].hashCode()) & mask;
                start[bucketOf[i] + 1]++;
            }
            for (int b = 0; b < capacity; b++) start[b + 1] += start[b];
            String[] out = new String[n];
            for (int i = 0; i < n; i++) out[start[bucketOf[i]]++] = names[i];
            return Arrays.asList(out);
        }
        // A table far larger than the set (it once held many more names): sort by bucket instead.
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) keyed[i] = ((long) (spread(names[i].hashCode()) & mask) << 32) | i;
        Arrays.sort(keyed);
        List<String> out = new ArrayList<>(n);
        for (long k : keyed) out.add(names[(int) k]);
        return out;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
