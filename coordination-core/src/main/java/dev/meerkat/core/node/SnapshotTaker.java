package dev.meerkat.core.node;

import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.storage.SnapshotFile;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.core.storage.SnapshotWriter;
import dev.meerkat.core.storage.UnsyncBufferedOutputStream;
import dev.meerkat.core.tree.TreeCapture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Every snapCount applied entries (or snapSizeLimit bytes of them): a capture of the state at that zxid begins on the tree thread
 * (the sessions are copied, the tree is walked later in slices of {@link #SLICE_NANOS}, see
 * {@link TreeCapture}), and the snapshot thread encodes, writes, syncs and purges while the node
 * keeps serving: the tree never waits more than one slice. Afterwards the log may be compacted up
 * to the oldest snapshot kept, so a damaged newest snapshot can still fall back to an older one
 * plus the log.
 */
final class SnapshotTaker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTaker.class);
    /** How long one slice of a capture may hold the tree thread. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /**
     * Chunks captured and not yet encoded; past this the capture waits for the writer. Few: what
     * waits here lives through young collections, and every byte of it is copied by them (64 chunks
     * of 4,096 nodes were 20 MB, most of what survived each collection under load).
     */
    private static final int QUEUED_CHUNKS = 8;

    private final SnapshotStore store;
    private final NodeSnapshots raftSnapshots;
    private final int retainCount;
    /** Log thread work: compact the log up to the given index. */
    private final LongConsumer compactLog;
    /** The snapshot thread; none for a node that keeps no snapshots (in memory). */
    private final ExecutorService writer;
    private volatile boolean inProgress;
    /** Set by the writer when it gave up, or by close: the capture stops at its next slice. */
    private volatile boolean abandoned;
    private volatile dev.meerkat.core.stats.NodeListener metrics = dev.meerkat.core.stats.NodeListener.NONE;
    /** Tree thread only: when the next periodic snapshot is due. */
    private final SnapshotSchedule schedule;
    /** Tree thread only: the capture under way, or null. */
    private TreeCapture capture;
    /** Tree thread only: where the capture under way hands its chunks to the writer. */
    private BlockingQueue<TreeCapture.Chunk> captureChunks;
    /**
     * Set by the tree thread when the capture waits for the writer to take a chunk (the tree thread
     * may then sleep rather than spin on a full queue); the writer wakes it after taking one.
     */
    private volatile boolean treeWaitsForWriter;
    private volatile Thread treeThread;
    /** Tree thread only: who asked for a snapshot now ({@link #takeNow}) and waits for the next one to begin. */
    private List<CompletableFuture<SnapshotFile>> askedNow = new ArrayList<>();

    SnapshotTaker(SnapshotStore store, NodeSnapshots raftSnapshots, int snapCount, int retainCount, long sizeLimitBytes,
                  LongConsumer compactLog) {
        this.store = store;
        this.writer = store == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "meerkat-snapshot");
            t.setDaemon(true);
            return t;
        });
        this.raftSnapshots = raftSnapshots;
        this.schedule = new SnapshotSchedule(snapCount, sizeLimitBytes);
        this.retainCount = retainCount;
        this.compactLog = compactLog;
    }

    void metrics(dev.meerkat.core.stats.NodeListener l) {
        metrics = l;
    }

    /** Tree thread: the state now covers {@code index} (loaded or installed from a snapshot). */
    void coveredBy(long index) {
        schedule.coveredBy(index);
    }

    /** Tree thread: an entry of {@code bytes} was applied. */
    void applied(int bytes) {
        schedule.applied(bytes);
    }

    /**
     * Tree thread, once per round of its loop: begins a capture when one is due (snapCount entries,
     * snapSizeLimit bytes, or someone asked for one now) and none is under way, then gives the
     * capture under way one slice. True while a capture is under way.
     */
    boolean step(StateMachine state, long lastAppliedTerm, dev.meerkat.core.raft.Membership membership) {
        maybeBegin(state, lastAppliedTerm, membership);
        return advance();
    }

    private void maybeBegin(StateMachine state, long lastAppliedTerm, dev.meerkat.core.raft.Membership membership) {
        boolean periodic = schedule.due(state.lastApplied());
        if (store == null || (!periodic && askedNow.isEmpty())) return;
        if (inProgress || capture != null) {
            if (periodic) {
                schedule.skipped(state.lastApplied());
                LOG.info("snapshot due at zxid 0x{} skipped: the one before is still being written", Long.toHexString(state.lastApplied()));
            }
            return;
        }
        long index = state.lastApplied();
        List<CompletableFuture<SnapshotFile>> waiting = askedNow;
        askedNow = new ArrayList<>();
        if (index == schedule.lastSnapshotIndex() && !waiting.isEmpty()) {
            // Nothing applied since the last snapshot (or the one loaded): that one is the answer.
            writer.execute(() -> answerWithNewest(index, waiting));
            return;
        }
        List<Session> sessions = List.copyOf(state.sessions().values());
        BlockingQueue<TreeCapture.Chunk> chunks = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        // Chunks the writer has encoded go back to the capture to be filled again.
        BlockingQueue<TreeCapture.Chunk> written = new ArrayBlockingQueue<>(QUEUED_CHUNKS + 2);
        abandoned = false;
        capture = state.tree().beginCapture(index, new TreeCapture.Sink() {
            @Override
            public boolean offer(TreeCapture.Chunk chunk) {
                return chunks.offer(chunk);
            }

            @Override
            public TreeCapture.Chunk recycled() {
                return written.poll();
            }
        });
        captureChunks = chunks;
        treeThread = Thread.currentThread();
        inProgress = true;
        schedule.begun(index);
        TreeCapture running = capture;
        writer.execute(() -> write(index, lastAppliedTerm, membership, sessions, chunks, written, running, waiting));
    }

    /**
     * Tree thread: a snapshot of the state as it is now, taken as the periodic ones are (in slices,
     * the tree never waiting more than one), whatever snapCount says; what the AdminServer's
     * {@code snapshot} command streams, as ZooKeeper's takes and streams a fresh one. Fails at once
     * for a node that keeps no snapshots.
     */
    void takeNow(CompletableFuture<SnapshotFile> done) {
        if (store == null) {
            done.completeExceptionally(new IllegalStateException("this node keeps no snapshots (in memory)"));
            return;
        }
        // Begun by the next step, this round or, while the last snapshot is still being written,
        // the first round after it.
        askedNow.add(done);
    }

    /** Snapshot thread: the newest snapshot is at {@code index}; it answers those who asked for one now. */
    private void answerWithNewest(long index, List<CompletableFuture<SnapshotFile>> waiting) {
        var kept = store.list();
        SnapshotFile newest = kept.isEmpty() ? null : kept.get(kept.size() - 1);
        if (newest != null && newest.index() == index) {
            waiting.forEach(f -> f.complete(newest));
        } else {
            // Only a node that has applied nothing has no snapshot at the index it last covered.
            waiting.forEach(f -> f.completeExceptionally(new IllegalStateException("no snapshot at zxid 0x" + Long.toHexString(index))));
        }
    }

    /**
     * Tree thread: one slice of the capture under way; true while one is under way and has work
     * it can do now. False while it waits for the writer: the writer wakes the tree thread when
     * it has taken a chunk.
     */
    private boolean advance() {
        TreeCapture c = capture;
        if (c == null) return false;
        if (abandoned) {
            c.abort();
            capture = null;
            return false;
        }
        if (c.step(SLICE_NANOS)) {
            capture = null;
            captureChunks = null;
            return false;
        }
        if (!c.waitingForSink()) return true;
        treeWaitsForWriter = true;
        // Checked after saying so: a chunk taken in between either sees the flag or left room here.
        if (captureChunks.remainingCapacity() > 0) {
            treeWaitsForWriter = false;
            return true;
        }
        return false;
    }

    /** Tree thread: whether a capture is under way (working or waiting for the writer). */
    boolean capturing() {
        return capture != null;
    }

    private void write(long index, long term, dev.meerkat.core.raft.Membership membership, List<Session> sessions, BlockingQueue<TreeCapture.Chunk> chunks,
                       BlockingQueue<TreeCapture.Chunk> written, TreeCapture c, List<CompletableFuture<SnapshotFile>> waiting) {
        long t0 = System.nanoTime();
        long nodes = 0;
        try (SnapshotWriter w = store.begin(index, term)) {
            DataOutputStream out = new DataOutputStream(new UnsyncBufferedOutputStream(w.outputStream(), 1 << 16));
            SnapshotCodec.Encoder encoder = new SnapshotCodec.Encoder(out, index, term, sessions);
            while (true) {
                TreeCapture.Chunk chunk = chunks.poll(100, TimeUnit.MILLISECONDS);
                if (chunk == null) {
                    if (abandoned) throw new IllegalStateException("the node closed during the capture");
                    continue;
                }
                if (treeWaitsForWriter) {
                    treeWaitsForWriter = false;
                    java.util.concurrent.locks.LockSupport.unpark(treeThread);
                }
                long workStart = System.nanoTime();
                encoder.write(chunk);
                if (chunk.last) break;
                written.offer(chunk);
                // Rest as long as the chunk took: a snapshot is background work, and on a server with
                // one or two cores it would otherwise take its full share of the CPU from the
                // threads that answer clients for as long as it runs.
                java.util.concurrent.locks.LockSupport.parkNanos(System.nanoTime() - workStart);
            }
            encoder.finish();
            nodes = encoder.nodes();
            out.flush();
            SnapshotFile file = w.commit();
            raftSnapshots.update(file, membership);
            purgeAndCompact();
            waiting.forEach(f -> f.complete(file));
            long writeNanos = System.nanoTime() - t0;
            // Read after the last chunk: the capture's figures were final when it handed that over.
            long pauseNanos = c.longestStepNanos();
            metrics.snapshotWritten(index, file.size(), pauseNanos, writeNanos);
            LOG.info("snapshot at zxid 0x{}: {} znodes, {} bytes; captured in {} slices of at most {} ms, written in {} ms",
                    Long.toHexString(index), nodes, file.size(), c.steps(), String.format(java.util.Locale.ROOT, "%.1f", pauseNanos / 1e6),
                    TimeUnit.NANOSECONDS.toMillis(writeNanos));
        } catch (Exception e) {
            abandoned = true;
            waiting.forEach(f -> f.completeExceptionally(e));
            metrics.snapshotFailed(index);
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
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
        abandoned = true;
        if (writer == null) return;
        writer.shutdown();
        try {
            writer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
