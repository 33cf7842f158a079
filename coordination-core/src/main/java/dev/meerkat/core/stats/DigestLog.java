package dev.meerkat.core.stats;

import java.util.ArrayDeque;
import java.util.List;

/**
 * ZooKeeper's digest log: the tree digest at every zxid that is a multiple of 128, the last 1024 of
 * them, which the {@code hash} word prints so that servers can be compared. Written by the tree's
 * thread as entries are applied; {@link #entries()} is an immutable copy, renewed only when the log
 * grows (once per 128 entries), so publishing it costs nothing in between.
 */
public final class DigestLog {
    public static final int INTERVAL = 128;
    public static final int LIMIT = 1024;

    /** One digest of the tree at a zxid, with the digest algorithm's version. */
    public record ZxidDigest(long zxid, int digestVersion, long digest) {
    }

    private final ArrayDeque<ZxidDigest> log = new ArrayDeque<>();
    private List<ZxidDigest> published = List.of();

    /** Called after each applied zxid with the digest of the tree then. */
    public void applied(long zxid, int digestVersion, long digest) {
        if (zxid % INTERVAL != 0) return;
        log.addLast(new ZxidDigest(zxid, digestVersion, digest));
        if (log.size() > LIMIT) log.removeFirst();
        published = List.copyOf(log);
    }

    public List<ZxidDigest> entries() {
        return published;
    }
}
