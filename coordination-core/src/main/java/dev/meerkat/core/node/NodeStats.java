package dev.meerkat.core.node;

/** Numbers the four-letter words and metrics report, read on the tree thread in one go. */
public record NodeStats(long lastZxid, int znodeCount, int watchCount, int watchedPaths, int sessionCount,
                        int ephemeralCount, long approximateDataSize, boolean leader, long logSize) {
}
