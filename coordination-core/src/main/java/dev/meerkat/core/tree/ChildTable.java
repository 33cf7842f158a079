package dev.meerkat.core.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A node's children: an open-addressing hash table of the child znodes themselves, keyed by their
 * names (linear probing, backward-shift deletion). One array slot per child and no entry or name
 * objects besides the child's own name bytes: about 5 bytes per child where a {@code HashSet<String>}
 * costs some 80.
 *
 * <p>getChildren must answer in ZooKeeper's order, which is the iteration order of the
 * {@code HashSet<String>(8)} each ZooKeeper node keeps ({@link ChildOrder}). This table keeps the size
 * ZooKeeper's would have (it doubles past three quarters full and never shrinks) and computes the
 * order when asked; the order of addition is the children's creation order (czxid).
 */
final class ChildTable {
    private Znode[] slots = new Znode[2];
    private int size;
    /** The bucket count of ZooKeeper's HashSet after the same history of additions. */
    private int zkCapacity;
    /** The names in ZooKeeper's order, made when first asked for after a change. */
    private List<String> ordered;

    int size() {
        return size;
    }

    Znode get(String path, int from, int to) {
        Znode[] s = slots;
        int mask = s.length - 1;
        for (int i = slot(Names.hash(path, from, to), mask); ; i = (i + 1) & mask) {
            Znode z = s[i];
            if (z == null) return null;
            if (Names.matches(z.name, path, from, to)) return z;
        }
    }

    Znode get(byte[] name) {
        Znode[] s = slots;
        int mask = s.length - 1;
        for (int i = slot(Names.hash(name), mask); ; i = (i + 1) & mask) {
            Znode z = s[i];
            if (z == null) return null;
            if (Arrays.equals(z.name, name)) return z;
        }
    }

    /** Adds a child whose name is not in the table yet. */
    void add(Znode child) {
        if ((size + 1) * 5L > slots.length * 4L) resize(slots.length * 2);
        insert(slots, child);
        size++;
        zkCapacity = ChildOrder.capacityFor(zkCapacity, size);
        ordered = null;
    }

    /** Removes this very child; false when it is not here. */
    boolean remove(Znode child) {
        Znode[] s = slots;
        int mask = s.length - 1;
        int i = slot(Names.hash(child.name), mask);
        while (s[i] != child) {
            if (s[i] == null) return false;
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: pull later entries of the probe run into the gap.
        int gap = i;
        for (int j = (gap + 1) & mask; s[j] != null; j = (j + 1) & mask) {
            int home = slot(Names.hash(s[j].name), mask);
            // s[j] may fill the gap when its home is not cyclically within (gap, j].
            boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
            if (movable) {
                s[gap] = s[j];
                gap = j;
            }
        }
        s[gap] = null;
        size--;
        ordered = null;
        if (size > 0 && size * 8L < s.length && s.length > 2) resize(s.length / 2);
        return true;
    }

    void forEach(Consumer<Znode> action) {
        for (Znode z : slots) {
            if (z != null) action.accept(z);
        }
    }

    /** The children, in no particular order; a copy. */
    Znode[] toArray() {
        Znode[] out = new Znode[size];
        int n = 0;
        for (Znode z : slots) {
            if (z != null) out[n++] = z;
        }
        return out;
    }

    /**
     * The children's names in the order ZooKeeper's getChildren lists them ({@link ChildOrder}, the
     * order of addition being creation order). Immutable, and shared by every reader until the
     * children change, so many readers of a large list hold one copy between them.
     */
    List<String> namesInZooKeeperOrder() {
        List<String> o = ordered;
        if (o == null) {
            Znode[] kids = toArray();
            Arrays.sort(kids, Comparator.comparingLong(z -> z.czxid));
            List<String> names = new ArrayList<>(kids.length);
            for (Znode z : kids) names.add(Names.decode(z.name));
            o = Collections.unmodifiableList(ChildOrder.order(names, Math.max(zkCapacity, ChildOrder.INITIAL_CAPACITY)));
            ordered = o;
        }
        return o;
    }

    private void resize(int capacity) {
        Znode[] fresh = new Znode[capacity];
        for (Znode z : slots) {
            if (z != null) insert(fresh, z);
        }
        slots = fresh;
    }

    private static void insert(Znode[] s, Znode child) {
        int mask = s.length - 1;
        int i = slot(Names.hash(child.name), mask);
        while (s[i] != null) i = (i + 1) & mask;
        s[i] = child;
    }

    private static int slot(int hash, int mask) {
        int x = hash * 0x9E3779B9;
        return (x ^ (x >>> 16)) & mask;
    }
}
