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
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        add(utf8, utf8.length, path.length(), node);
    }

    /** {@code path[0, len)} is the node's path in UTF-8, {@code pathChars} its length in chars. */
    void add(byte[] path, int len, int pathChars, Znode node) {
        approximateDataSize += size(pathChars, node);
        if (ZnodeType.isEphemeralOwner(node.ephemeralOwner())) ephemerals++;
        node.digest = (int) nodeDigest(path, len, node);
        digest += node.digest & 0xffffffffL;
    }

    void remove(String path, Znode node) {
        approximateDataSize -= size(path.length(), node);
        if (ZnodeType.isEphemeralOwner(node.ephemeralOwner())) ephemerals--;
        digest -= node.digest & 0xffffffffL;
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

    private static long size(int pathChars, Znode node) {
        return pathChars + (node.data == null ? 0 : node.data.length);
    }

    private static final byte[] SYSTEM_PREFIX = "/zookeeper/".getBytes(StandardCharsets.US_ASCII);
    /** The tree thread's scratch space for the stat bytes of a digest. */
    private final ByteBuffer stat = ByteBuffer.allocate(60);
    private final CRC32 crc = new CRC32();

    static long nodeDigest(String path, Znode node) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        return new TreeCounters().nodeDigest(utf8, utf8.length, node);
    }

    private long nodeDigest(byte[] path, int len, Znode node) {
        if (len > SYSTEM_PREFIX.length && java.util.Arrays.equals(path, 0, SYSTEM_PREFIX.length, SYSTEM_PREFIX, 0, SYSTEM_PREFIX.length)) {
            return 0;
        }
        stat.clear();
        stat.putLong(node.czxid).putLong(node.mzxid).putLong(node.pzxid).putLong(node.ctime).putLong(node.mtime)
                .putInt(node.version).putInt(node.cversion).putInt(node.aversion).putLong(node.ephemeralOwner());
        crc.reset();
        if (!(len == 1 && path[0] == '/')) crc.update(path, 0, len);
        if (node.data != null) crc.update(node.data);
        crc.update(stat.array(), 0, 60);
        return crc.getValue();
    }
}
