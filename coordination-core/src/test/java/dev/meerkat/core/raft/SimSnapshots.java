package dev.meerkat.core.raft;

/**
 * A test snapshot store holding one snapshot in memory. Written atomically, so it is durable as
 * soon as it is set.
 */
final class SimSnapshots implements SnapshotSource {

    private SnapshotMeta latest;
    private byte[] data;
    /** The snapshot being received from a leader: the node's "disk" for chunks. */
    private java.io.ByteArrayOutputStream receiving = new java.io.ByteArrayOutputStream();

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

    void receive(SnapshotChunk c) {
        if (c.offset() == 0) receiving = new java.io.ByteArrayOutputStream();
        if (c.offset() != receiving.size()) throw new IllegalStateException("chunk at " + c.offset() + " after " + receiving.size() + " bytes");
        receiving.writeBytes(c.data());
    }

    /** Makes the received bytes the newest snapshot; returns them. */
    byte[] install(IncomingSnapshot s) {
        byte[] bytes = receiving.toByteArray();
        if (bytes.length != s.sizeBytes()) throw new IllegalStateException("received " + bytes.length + " bytes of " + s);
        save(s.index(), s.term(), s.membership(), bytes);
        receiving = new java.io.ByteArrayOutputStream();
        return bytes;
    }

    /** A crash loses a transfer in progress, as a temporary file is discarded on restart. */
    void crash() {
        receiving = new java.io.ByteArrayOutputStream();
    }

    byte[] data() {
        return data;
    }
}
