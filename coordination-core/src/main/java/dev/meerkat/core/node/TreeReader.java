package dev.meerkat.core.node;

import dev.meerkat.core.tree.DataTree;

/** Reads the tree on the tree thread, between two applied entries; see {@link Node#readTree}. */
@FunctionalInterface
public interface TreeReader {
    /** @param lastApplied the zxid of the last entry applied to {@code tree} */
    void read(DataTree tree, long lastApplied);
}
