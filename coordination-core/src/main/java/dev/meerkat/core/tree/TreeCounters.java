package dev.meerkat.core.tree;

import dev.meerkat.core.api.ZnodeType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Totals of the tree kept as it changes, so that monitoring never walks the tree: ZooKeeper's
 * approximate data size (path length plus data length of every node), the number of ephemeral
 * nodes, and the tree digest.
 *
 * <p>The digest is ZooKeeper's (DigestCalculator version 2): the sum of a CRC32 per node over its
 * path, data and stat, with "/" hashed as "" and nodes under /zookeeper left out. Each node caches
 * its own term, so taking a node out of the sum costs nothing and putting it back one CRC.
 *
 * <p>Every mutation of the tree takes the touched nodes out ({@link #remove}) before changing them
 * and puts them back ({@link #add}) after. Owned by the tree's thread, like the tree.
 */
final class TreeCounters {
    private static final int DIGEST_VERSION = 2;
    private long approximateDataSize;
    private int ephemerals;
    private long digest;

    void add(String path, Znode node) {
        approximateDataSize += size(path, node);
        if (ZnodeType.isEphemeralOwner(node.ephemeralOwner)) ephemerals++;
        node.digest = nodeDigest(path, node);
        digest += node.digest;
    }

    void remove(String path, Znode node) {
        approximateDataSize -= size(path, node);
        if (ZnodeType.isEphemeralOwner(node.ephemeralOwner)) ephemerals--;
        digest -= node.digest;
    }

    void reset() {
        approximateDataSize = 0;
        ephemerals = 0;
        digest = 0;
    }

    long approximateDataSize() {
        return approximateDataSize;
    }

    int ephemerals() {
        return ephemerals;
    }

    long digest() {
        return digest;
    }

    static int digestVersion() {
        return DIGEST_VERSION;
    }

    private static long size(String path, Znode node) {
        return path.length() + (node.data == null ? 0 : node.data.length);
    }

    static long nodeDigest(String path, Znode node) {
        if (path.startsWith("/zookeeper/")) return 0;
        ByteBuffer stat = ByteBuffer.allocate(60);
        stat.putLong(node.czxid).putLong(node.mzxid).putLong(node.pzxid).putLong(node.ctime).putLong(node.mtime)
                .putInt(node.version).putInt(node.cversion).putInt(node.aversion).putLong(node.ephemeralOwner);
        CRC32 crc = new CRC32();
        crc.update((path.equals("/") ? "" : path).getBytes(StandardCharsets.UTF_8));
        if (node.data != null) crc.update(node.data);
        crc.update(stat.array());
        return crc.getValue();
    }
}
