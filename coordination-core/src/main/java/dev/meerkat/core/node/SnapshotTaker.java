package dev.meerkat.core.node;

import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.snapshot.SnapshotImage;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.storage.SnapshotFile;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.core.storage.SnapshotWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Every snapCount applied entries: freeze the state on the tree thread (one pass copying
 * references, no encoding, no disk), then encode, write, sync and purge on the snapshot thread
 * while the node keeps serving. Afterwards the log may be compacted up to the oldest snapshot kept,
 * so a damaged newest snapshot can still fall back to an older one plus the log.
 */
final class SnapshotTaker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTaker.class);

    private final SnapshotStore store;
    private final NodeSnapshots raftSnapshots;
    private final int snapCount;
    private final int retainCount;
    /** Log thread work: compact the log up to the given index. */
    private final LongConsumer compactLog;
    /** The snapshot thread; none for a node that keeps no snapshots (in memory). */
    private final ExecutorService writer;
    private volatile boolean inProgress;
    private volatile dev.meerkat.core.stats.NodeListener metrics = dev.meerkat.core.stats.NodeListener.NONE;
    /** Tree thread only. */
    private long lastSnapshotIndex;

    SnapshotTaker(SnapshotStore store, NodeSnapshots raftSnapshots, int snapCount, int retainCount, LongConsumer compactLog) {
        this.store = store;
        this.writer = store == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "meerkat-snapshot");
            t.setDaemon(true);
            return t;
        });
        this.raftSnapshots = raftSnapshots;
        this.snapCount = snapCount;
        this.retainCount = retainCount;
        this.compactLog = compactLog;
    }

    void metrics(dev.meerkat.core.stats.NodeListener l) {
        metrics = l;
    }

    /** Tree thread: the state now covers {@code index} (loaded or installed from a snapshot). */
    void coveredBy(long index) {
        lastSnapshotIndex = Math.max(lastSnapshotIndex, index);
    }

    /** Tree thread, after applying entries. */
    void maybeSnapshot(StateMachine state, long lastAppliedTerm, dev.meerkat.core.raft.Membership membership) {
        if (store == null || inProgress || state.lastApplied() - lastSnapshotIndex < snapCount) return;
        long t0 = System.nanoTime();
        SnapshotImage image = SnapshotCodec.capture(state, lastAppliedTerm);
        long pauseNanos = System.nanoTime() - t0;
        inProgress = true;
        lastSnapshotIndex = image.lastApplied();
        writer.execute(() -> write(image, membership, pauseNanos));
    }

    private void write(SnapshotImage image, dev.meerkat.core.raft.Membership membership, long pauseNanos) {
        long pauseMs = TimeUnit.NANOSECONDS.toMillis(pauseNanos);
        long index = image.lastApplied();
        long t0 = System.nanoTime();
        try (SnapshotWriter w = store.begin(index, image.lastAppliedTerm())) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(w.outputStream(), 1 << 16));
            SnapshotCodec.write(image, out);
            out.flush();
            SnapshotFile file = w.commit();
            raftSnapshots.update(file, membership);
            purgeAndCompact();
            long writeNanos = System.nanoTime() - t0;
            metrics.snapshotWritten(index, file.size(), pauseNanos, writeNanos);
            LOG.info("snapshot at zxid 0x{}: {} znodes, {} bytes; tree paused {} ms, written in {} ms", Long.toHexString(index),
                    image.nodeCount(), file.size(), pauseMs, TimeUnit.NANOSECONDS.toMillis(writeNanos));
        } catch (Exception e) {
            metrics.snapshotFailed(index);
            LOG.error("snapshot at zxid 0x{} failed; the log keeps everything", Long.toHexString(index), e);
        } finally {
            inProgress = false;
        }
    }

    /** Purges on the snapshot thread, the store's one writer of deletions. */
    void purgeLater() {
        if (store != null) writer.execute(this::purgeAndCompact);
    }

    /** Keeps retainCount snapshots and lets the log go back no further than the oldest of them. */
    void purgeAndCompact() {
        store.purge(retainCount);
        var kept = store.list();
        if (!kept.isEmpty()) compactLog.accept(kept.get(0).index());
    }

    @Override
    public void close() {
        if (writer == null) return;
        writer.shutdown();
        try {
            writer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
