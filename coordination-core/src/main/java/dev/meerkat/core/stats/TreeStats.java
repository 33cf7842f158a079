package dev.meerkat.core.stats;

import java.util.List;

/**
 * The node's numbers as of its last published moment: what the four-letter words, the AdminServer
 * and the metrics report. Immutable; the tree thread replaces it after each round of work, and any
 * thread reads it without touching the tree.
 *
 * @param lastZxid             last applied zxid
 * @param znodeCount           znodes in the tree (each node once)
 * @param approximateDataSize  ZooKeeper's approximate data size (path + data length of every node)
 * @param ephemeralCount       ephemeral nodes of sessions
 * @param sessionCount         live sessions (global: replicated)
 * @param watchCount           watches as ZooKeeper's mntr counts them (data table + child table)
 * @param dataWatches          watcher/path pairs in the data table (wchs "Total watches")
 * @param dataWatchPaths       paths in the data table (wchs "watching N paths")
 * @param dataWatchers         connections in the data table (wchs "N connections")
 * @param digest               the tree digest at lastZxid
 * @param digestLog            digests every 128 zxids, oldest first (the hash word)
 * @param publishedNanos       System.nanoTime() when published
 */
public record TreeStats(long lastZxid, int znodeCount, long approximateDataSize, int ephemeralCount, int sessionCount,
                        int watchCount, int dataWatches, int dataWatchPaths, int dataWatchers, long digest,
                        List<DigestLog.ZxidDigest> digestLog, long publishedNanos) {

    public static final TreeStats EMPTY = new TreeStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), 0);
}
