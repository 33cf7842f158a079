package dev.meerkat.core.tree;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** ChildOrder gives exactly the iteration order of ZooKeeper's {@code new HashSet<String>(8)}, checked against the JDK's HashSet itself. */
class ChildOrderTest {
    private static final List<IntFunction<String>> NAMING = List.of(
            i -> String.format("child-%010d", i),            // sequential nodes
            i -> "lock-" + Long.toHexString(0x1000000000L + i) + "-" + String.format("%010d", i),
            Integer::toString,                               // /brokers/ids
            i -> "topic-" + i,
            i -> "isr_change_" + String.format("%010d", i * 7L),
            i -> new Random(i).ints(12, 'a', 'z' + 1).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());

    private static List<String> hashSetOrder(List<String> added, List<String> removed) {
        Set<String> zk = new HashSet<>(ChildOrder.INITIAL_CAPACITY);
        zk.addAll(added);
        removed.forEach(zk::remove);
        return new ArrayList<>(zk);
    }

    private static List<String> childOrder(List<String> added, List<String> removed) {
        int capacity = 0;
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String a : added) {
            names.add(a);
            capacity = ChildOrder.capacityFor(capacity, names.size());
        }
        removed.forEach(names::remove);
        return ChildOrder.order(names, capacity);
    }

    @Test
    void everySizeUpToThreeThousandMatchesHashSetForEveryNaming() {
        for (IntFunction<String> naming : NAMING) {
            List<String> added = new ArrayList<>();
            for (int n = 0; n <= 3000; n++) {
                assertThat(childOrder(added, List.of())).as("%d names like %s", n, n == 0 ? "-" : added.get(0)).isEqualTo(hashSetOrder(added, List.of()));
                added.add(naming.apply(n));
            }
        }
    }

    @Test
    void largeListsMatchToo() {
        for (int n : new int[]{10_000, 65_537, 200_000}) {
            List<String> added = new ArrayList<>();
            for (int i = 0; i < n; i++) added.add(String.format("n-%010d", i));
            assertThat(childOrder(added, List.of())).isEqualTo(hashSetOrder(added, List.of()));
        }
    }

    @Test
    void removalsLeaveTheTableAsLargeAsItWasAndTheOthersInPlace() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            int n = 1 + random.nextInt(400);
            List<String> added = new ArrayList<>();
            for (int i = 0; i < n; i++) added.add(NAMING.get(round % NAMING.size()).apply(i));
            List<String> removed = new ArrayList<>();
            for (String a : added) if (random.nextInt(3) > 0) removed.add(a);
            // some come back after their removal: they go to the end of their bucket, as in a HashSet
            List<String> readded = removed.subList(0, removed.size() / 4);
            List<String> all = new ArrayList<>(added);
            Set<String> zk = new HashSet<>(ChildOrder.INITIAL_CAPACITY);
            zk.addAll(added);
            removed.forEach(zk::remove);
            zk.addAll(readded);
            int capacity = 0;
            LinkedHashSet<String> names = new LinkedHashSet<>();
            for (String a : all) {
                names.add(a);
                capacity = ChildOrder.capacityFor(capacity, names.size());
            }
            removed.forEach(names::remove);
            for (String a : readded) {
                names.add(a);
                capacity = ChildOrder.capacityFor(capacity, names.size());
            }
            assertThat(ChildOrder.order(names, capacity)).as("round %d", round).isEqualTo(new ArrayList<>(zk));
        }
    }

    @Test
    void threeSequentialChildrenComeBackAsZooKeeperListsThem() {
        List<String> added = List.of("item-0000000000", "item-0000000001", "item-0000000002");
        assertThat(childOrder(added, List.of())).isEqualTo(hashSetOrder(added, List.of()));
    }

    @Test
    void aZnodeListsItsChildrenInThatOrderAndSharesTheList() {
        DataTree tree = new DataTree();
        tree.create("/p", new byte[0], dev.meerkat.core.api.Acl.OPEN_ACL_UNSAFE, 0, 1, 0);
        List<String> added = new ArrayList<>();
        long zxid = 2;
        for (int i = 0; i < 100; i++) {
            added.add("c" + i);
            tree.create("/p/c" + i, null, dev.meerkat.core.api.Acl.OPEN_ACL_UNSAFE, 0, zxid++, 0);
        }
        tree.delete("/p/c7", zxid++);
        List<String> expected = hashSetOrder(added, List.of("c7"));
        Znode parent = tree.get("/p");
        assertThat(parent.childrenInZooKeeperOrder()).isEqualTo(expected);
        assertThat(parent.childrenInZooKeeperOrder()).isSameAs(parent.childrenInZooKeeperOrder());
        tree.create("/p/c7", null, dev.meerkat.core.api.Acl.OPEN_ACL_UNSAFE, 0, zxid, 0);
        List<String> again = new ArrayList<>(added);
        again.remove("c7");
        again.add("c7");
        assertThat(parent.childrenInZooKeeperOrder()).isEqualTo(hashSetOrder(again, List.of()));
    }
}
