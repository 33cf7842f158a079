package dev.meerkat.server.migrate;

import dev.meerkat.core.api.ZnodeType;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.PathRules;
import dev.meerkat.core.tree.Znode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sessions never cross a migration, in either direction: their ephemeral znodes are deleted as one
 * expiry of all of them at a single zxid would delete them (each parent's cversion counts the
 * delete, its pzxid becomes that zxid).
 */
final class Ephemerals {
    private Ephemerals() {
    }

    /** Paths of the ephemeral znodes (owned by a session; containers and TTL nodes are not). */
    static List<String> of(DataTree tree) {
        List<String> out = new ArrayList<>();
        tree.forEachNode((path, z) -> {
            if (ZnodeType.isEphemeralOwner(z.ephemeralOwner())) out.add(path);
        });
        return out;
    }

    /** Deletes {@code paths} (and anything damaged data put under them), deepest first, in a stable order. */
    static void delete(DataTree tree, List<String> paths, long zxid) {
        List<String> sorted = new ArrayList<>(paths);
        sorted.sort(Comparator.comparingInt(Ephemerals::depth).reversed().thenComparing(Comparator.naturalOrder()));
        for (String p : sorted) deleteSubtree(tree, p, zxid);
    }

    private static void deleteSubtree(DataTree tree, String path, long zxid) {
        Znode node = tree.get(path);
        if (node == null) return;
        List<String> children = new ArrayList<>(node.children());
        children.sort(null);
        for (String c : children) deleteSubtree(tree, PathRules.child(path, c), zxid);
        tree.delete(path, zxid);
    }

    private static int depth(String path) {
        int d = 0;
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) == '/') d++;
        return d;
    }
}
