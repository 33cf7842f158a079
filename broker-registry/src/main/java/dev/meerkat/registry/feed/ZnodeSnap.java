package dev.meerkat.registry.feed;

import dev.meerkat.core.api.Stat;

/**
 * A znode as it was right after an entry: its data (the tree's own array, which apply replaces but
 * never writes into) and its stat. A null stat means the znode does not exist (any more).
 */
public record ZnodeSnap(String path, byte[] data, Stat stat) {
    public static ZnodeSnap absent(String path) {
        return new ZnodeSnap(path, null, null);
    }

    public boolean exists() {
        return stat != null;
    }
}
