package dev.meerkat.core.node;

import dev.meerkat.core.raft.Membership;
import dev.meerkat.core.raft.SnapshotSource;
import dev.meerkat.core.storage.SnapshotFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The node's snapshots as Raft sees them: the one the node last loaded, wrote or received. Set by
 * the tree, snapshot and log threads, read by the log thread, hence volatile. A leader streams a
 * lagging follower's snapshot from here, chunk by chunk, straight from the file.
 */
final class NodeSnapshots implements SnapshotSource {
    private record Current(SnapshotFile file, SnapshotMeta meta) {
    }

    private volatile Current current;

    /**
     * Only ever moves forward: a snapshot written late never replaces a newer one received meanwhile.
     * {@code membership} is the one in force at the snapshot's index (Raft starts from it).
     */
    synchronized void update(SnapshotFile file, Membership membership) {
        Current c = current;
        if (c != null && c.meta().index() > file.index()) return;
        try {
            current = new Current(file, new SnapshotMeta(file.index(), file.term(), membership, file.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot " + file + " vanished", e);
        }
    }

    @Override
    public SnapshotMeta latest() {
        Current c = current;
        return c == null ? null : c.meta();
    }

    @Override
    public byte[] read(long snapshotIndex, long offset, int maxBytes) {
        Current c = current;
        if (c == null || c.meta().index() != snapshotIndex) return null;
        try (InputStream in = c.file().open()) {
            in.skipNBytes(offset);
            return in.readNBytes((int) Math.min(maxBytes, c.meta().sizeBytes() - offset));
        } catch (IOException e) {
            return null;
        }
    }
}
