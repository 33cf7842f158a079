package dev.meerkat.core.raft;

/**
 * A test snapshot store holding one snapshot in memory. Written atomically, so it is durable as
 * soon as it is set.
 */
final class SimSnapshots implements SnapshotSource {

    private SnapshotMeta latest;
    private byte[] data;

    @Override
    public SnapshotMeta latest() {
        return latest;
    }

    @Override
    public byte[] read(long snapshotIndex, long offset, int maxBytes) {
        if (latest == null || latest.index() != snapshotIndex) return null;
        int from = (int) Math.min(offset, data.length);
        int to = (int) Math.min(data.length, from + (long) maxBytes);
        return java.util.Arrays.copyOfRange(data, from, to);
    }

    void save(long index, long term, Membership membership, byte[] bytes) {
        latest = new SnapshotMeta(index, term, membership, bytes.length);
        data = bytes.clone();
    }

    void install(IncomingSnapshot s) {
        save(s.index(), s.term(), s.membership(), s.data());
    }

    byte[] data() {
        return data;
    }
}
