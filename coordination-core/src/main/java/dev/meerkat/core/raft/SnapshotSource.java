package dev.meerkat.core.raft;

/**
 * The caller's snapshot store, as the leader needs it to catch up a follower whose next entries
 * were compacted away. Raft never builds snapshots itself: the caller snapshots its state machine
 * and then calls {@code LogStore.compact}.
 *
 * <p>Contract: whenever the persisted log has been compacted to index {@code c},
 * {@link #latest()} returns a snapshot with {@code index >= c}. After a follower installs a received
 * snapshot, {@link #latest()} returns it (or a newer one).
 */
public interface SnapshotSource {

    /** The newest durable snapshot, or null when there is none. */
    SnapshotMeta latest();

    /**
     * Up to {@code maxBytes} bytes of the snapshot with the given index, starting at {@code offset};
     * returns null when that snapshot is no longer available (a newer one replaced it).
     */
    byte[] read(long snapshotIndex, long offset, int maxBytes);

    /** A source with no snapshots, for logs that are never compacted. */
    SnapshotSource NONE = new SnapshotSource() {
        @Override
        public SnapshotMeta latest() {
            return null;
        }

        @Override
        public byte[] read(long snapshotIndex, long offset, int maxBytes) {
            return null;
        }
    };

    /**
     * @param index      last log index the snapshot covers
     * @param term       term of that entry
     * @param membership membership in force at {@code index}
     * @param sizeBytes  total size of the snapshot data
     */
    record SnapshotMeta(long index, long term, Membership membership, long sizeBytes) {
    }
}
