package dev.meerkat.core.raft;

/**
 * A complete snapshot received from the leader, handed to the caller in {@link Ready#snapshot()}.
 * Its bytes reached the caller earlier, chunk by chunk, through {@link Ready#snapshotChunks()}, so
 * no side ever holds a whole snapshot in memory. The caller makes those bytes its newest snapshot
 * (so {@link SnapshotSource#latest()} returns it), restores its state machine from them, and calls
 * {@code LogStore.resetToSnapshot(index, term)}.
 *
 * @param sizeBytes how many bytes the chunks carried in all
 */
public record IncomingSnapshot(long index, long term, Membership membership, long sizeBytes) {

    @Override
    public String toString() {
        return "IncomingSnapshot{" + index + "@" + term + " " + membership + " " + sizeBytes + "B}";
    }
}
