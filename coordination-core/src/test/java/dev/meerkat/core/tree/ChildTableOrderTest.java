package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** getChildren's order must be ZooKeeper's: the iteration order of the {@code HashSet<>(8)} its nodes keep. */
class ChildTableOrderTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 6, 7, 13, 48, 97, 200, 1000, 5000, 40_000})
    void createdChildrenComeInHashSetOrder(int n) {
        DataTree tree = new DataTree();
        tree.create("/p", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1, 0);
        Set<String> zk = new HashSet<>(8);
        long zxid = 2;
        Random random = new Random(n);
        for (int i = 0; i < n; i++) {
            String name = i % 3 == 0 ? "node" + i : i % 3 == 1 ? String.format("%010d", random.nextInt(1 << 30)) : "ü-" + random.nextInt();
            if (!zk.add(name)) continue;
            tree.create("/p/" + name, null, Acl.OPEN_ACL_UNSAFE, 0, zxid++, 0);
        }
        assertThat(tree.get("/p").children()).containsExactlyElementsOf(new ArrayList<>(zk));
        assertThat(tree.get("/p").childCount()).isEqualTo(zk.size());
    }

    @Test
    void orderFollowsHashSetThroughDeletesAndRecreatesForManySizes() {
        Random random = new Random(13);
        for (int round = 0; round < 60; round++) {
            DataTree tree = new DataTree();
            tree.create("/p", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1, 0);
            Set<String> zk = new HashSet<>(8);
            List<String> present = new ArrayList<>();
            long zxid = 2;
            int ops = 1 + random.nextInt(3000);
            int names = 1 + random.nextInt(ops);
            // Names as real clients make them (sequential suffixes, ids); short names from a tiny
            // alphabet can pile 8 into one bucket, where HashMap builds a tree and its order is not
            // the order of addition (see ChildTable: not reproduced).
            boolean sequential = random.nextBoolean();
            for (int i = 0; i < ops; i++) {
                int k = random.nextInt(names);
                String name = sequential ? String.format("lock-%010d", k) : "member-" + Integer.toHexString(k * 0x9E3779B1);
                if (zk.contains(name)) {
                    if (random.nextInt(3) == 0) {
                        zk.remove(name);
                        present.remove(name);
                        tree.delete("/p/" + name, zxid++);
                    }
                } else {
                    zk.add(name);
                    present.add(name);
                    tree.create("/p/" + name, null, Acl.OPEN_ACL_UNSAFE, 0, zxid++, 0);
                }
                if (random.nextInt(50) == 0) assertThat(tree.get("/p").children()).containsExactlyElementsOf(new ArrayList<>(zk));
            }
            assertThat(tree.get("/p").children()).as("round " + round).containsExactlyElementsOf(new ArrayList<>(zk));
            for (String name : present) assertThat(tree.get("/p/" + name)).as(name).isNotNull();
            assertThat(tree.get("/p/absent")).isNull();
        }
    }

    @Test
    void lookupsWalkSegmentsAndRejectMalformedPaths() {
        DataTree tree = new DataTree();
        tree.create("/a", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1, 0);
        tree.create("/a/b", new byte[]{1}, Acl.OPEN_ACL_UNSAFE, 0, 2, 0);
        tree.create("/a/ñ", new byte[]{2}, Acl.OPEN_ACL_UNSAFE, 0, 3, 0);
        assertThat(tree.get("/a/b").data()).containsExactly(1);
        assertThat(tree.get("/a/ñ").data()).containsExactly(2);
        assertThat(tree.get("/")).isNotNull();
        for (String bad : new String[]{"", "a", "/a/", "//a", "/a//b", "/a/b/", "/a/bb", "/a/c"}) assertThat(tree.get(bad)).as(bad).isNull();
        assertThat(tree.paths()).contains("/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config", "/a", "/a/b", "/a/ñ").hasSize(7);
        assertThat(tree.size()).isEqualTo(7);
        assertThat(tree.descendantCount("/")).isEqualTo(6);
    }
}
