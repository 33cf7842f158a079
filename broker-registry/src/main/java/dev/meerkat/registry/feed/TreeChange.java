package dev.meerkat.registry.feed;

import java.util.List;

/**
 * What the registry thread gets from the tree thread: the Kafka-relevant znodes one committed entry
 * touched (their state right after it), or, for a resync, every Kafka-relevant znode of the tree.
 *
 * @param zxid   the entry's index (for a resync, the last applied index the read saw)
 * @param timeMs the leader's clock when it accepted the entry (for a resync, the local clock)
 */
public record TreeChange(long zxid, long timeMs, Cause cause, List<ZnodeSnap> znodes) {
    public boolean isResync() {
        return cause instanceof Cause.Resync;
    }
}
