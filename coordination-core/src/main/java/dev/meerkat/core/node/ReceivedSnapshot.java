package dev.meerkat.core.node;

import dev.meerkat.core.raft.IncomingSnapshot;
import dev.meerkat.core.raft.SnapshotChunk;
import dev.meerkat.core.storage.SnapshotFile;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.core.storage.SnapshotWriter;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A snapshot arriving from the leader, written chunk by chunk into the snapshot directory as it
 * comes (never held whole in memory), then committed like a snapshot of our own. Log thread only.
 */
final class ReceivedSnapshot {
    private final SnapshotStore store;
    private SnapshotWriter writer;
    private long index = -1;
    private long written;

    ReceivedSnapshot(SnapshotStore store) {
        this.store = store;
    }

    void write(SnapshotChunk chunk) {
        if (store == null) throw new IllegalStateException("a server without a data directory cannot receive a snapshot");
        if (chunk.offset() == 0 || chunk.snapshotIndex() != index) {
            abort();
            writer = store.begin(chunk.snapshotIndex(), chunk.snapshotTerm());
            index = chunk.snapshotIndex();
            written = 0;
        }
        if (chunk.offset() != written) {
            throw new IllegalStateException("snapshot chunk at " + chunk.offset() + " after " + written + " bytes of snapshot " + index);
        }
        try {
            writer.outputStream().write(chunk.data());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write received snapshot " + index, e);
        }
        written += chunk.data().length;
    }

    /** The last chunk arrived: make the snapshot durable and visible. */
    SnapshotFile complete(IncomingSnapshot s) {
        if (writer == null || index != s.index() || written != s.sizeBytes()) {
            throw new IllegalStateException("snapshot " + s + " complete, but " + written + " bytes of snapshot " + index + " were written");
        }
        SnapshotFile file = writer.commit();
        writer = null;
        index = -1;
        return file;
    }

    void abort() {
        if (writer != null) writer.abort();
        writer = null;
        index = -1;
    }
}
