package dev.meerkat.core.raft;

/**
 * A complete snapshot received from the leader, handed to the caller in {@link Ready#snapshot()}.
 * The caller restores its state machine from {@code data}, makes it the newest snapshot of its
 * {@link SnapshotSource}, and calls {@code LogStore.resetToSnapshot(index, term)}.
 */
public record IncomingSnapshot(long index, long term, Membership membership, byte[] data) {

    @Override
    public String toString() {
        return "IncomingSnapshot{" + index + "@" + term + " " + membership + " " + data.length + "B}";
    }
}
