package dev.meerkat.core.raft;

/**
 * Bytes of a snapshot being received from the leader, to be written where the caller keeps
 * snapshots before the acknowledgement in the same {@link Ready} goes out. Chunks arrive in order;
 * one at offset 0 starts a new snapshot and abandons any earlier partial one.
 */
public record SnapshotChunk(long snapshotIndex, long snapshotTerm, long offset, byte[] data) {

    @Override
    public String toString() {
        return "SnapshotChunk{" + snapshotIndex + "@" + snapshotTerm + " +" + offset + " " + data.length + "B}";
    }
}
