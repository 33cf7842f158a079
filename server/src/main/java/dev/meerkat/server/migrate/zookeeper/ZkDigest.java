package dev.meerkat.server.migrate.zookeeper;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * ZooKeeper's tree digest (3.6+, {@code DigestCalculator} version 2): the sum of a CRC32 per node
 * over its path, data and stored stat fields. Nodes under {@code /zookeeper/} do not count (their
 * quota data is maintained locally by each server); the root counts under the path "".
 *
 * <p>ZooKeeper checks it against the digest recorded in snapshots and transactions, so it is our
 * check that a replay came out exactly as ZooKeeper's would, and what an exported snapshot must
 * carry for ZooKeeper to accept it without a mismatch warning.
 */
public final class ZkDigest {
    /** {@code DigestCalculator.DIGEST_VERSION} in ZooKeeper 3.6 to 3.9. */
    public static final int VERSION = 2;
    private static final String SYSTEM_SUBTREE = "/zookeeper/";

    private final CRC32 crc = new CRC32();
    private final ByteBuffer stat = ByteBuffer.allocate(60);

    /** One node's digest; paths are as clients see them ("/" for the root). */
    public long of(String path, byte[] data, long czxid, long mzxid, long pzxid, long ctime, long mtime,
                   int version, int storedCversion, int aversion, long ephemeralOwner) {
        if (path.startsWith(SYSTEM_SUBTREE)) return 0;
        stat.clear();
        stat.putLong(czxid).putLong(mzxid).putLong(pzxid).putLong(ctime).putLong(mtime)
                .putInt(version).putInt(storedCversion).putInt(aversion).putLong(ephemeralOwner);
        crc.reset();
        // ZooKeeper uses the platform charset; UTF-8 is what every current JVM defaults to.
        if (!path.equals("/")) crc.update(path.getBytes(StandardCharsets.UTF_8));
        if (data != null) crc.update(data);
        crc.update(stat.array(), 0, 60);
        return crc.getValue();
    }

    long of(String path, ZkNode n) {
        return of(path, n.data, n.czxid, n.mzxid, n.pzxid, n.ctime, n.mtime, n.version, n.cversion, n.aversion, n.ephemeralOwner);
    }
}
