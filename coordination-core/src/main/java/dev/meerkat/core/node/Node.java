package dev.meerkat.core.node;

import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.CommandCodec;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.query.Query;
import dev.meerkat.core.raft.Membership;
import dev.meerkat.core.query.QueryEngine;
import dev.meerkat.core.query.QueryResult;
import dev.meerkat.core.state.Applied;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.stats.Inspection;
import dev.meerkat.core.stats.NodeListener;
import dev.meerkat.core.stats.StatsPublisher;
import dev.meerkat.core.stats.TreeStats;
import dev.meerkat.core.watch.WatchManager;
import dev.meerkat.core.watch.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.meerkat.core.snapshot.SnapshotImage;
import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.storage.SnapshotFile;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.core.storage.SnapshotWriter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Meerkat server's core: the state machine, its log and the threads that drive them.
 *
 * <p>Two threads, each the single owner of what it touches:
 * <ul>
 *   <li>the <b>log thread</b> owns the replicator and the log: it stamps proposals with the
 *       leader's clock, appends them in batches, syncs once per batch and hands committed entries on;</li>
 *   <li>the <b>tree thread</b> owns the tree, sessions and watches: it applies committed entries in
 *       order, answers queries, fires watches and, on the leader, decides session expiry and reaping.</li>
 * </ul>
 * Callers (event loops) only ever offer to bounded lock-free inboxes; a false return means "busy,
 * back off", never a wait. Results come back through {@link Completion}s on the tree thread.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final LogStore log;
    private Replicator replicator;
    private final NodeSnapshots raftSnapshots;
    private final SnapshotStore snapshots;
    private final WatchManager watches = new WatchManager();
    private StateMachine stateMachine = new StateMachine();
    private QueryEngine queries = new QueryEngine(stateMachine.tree(), watches);
    /**
     * Connection releases for the tree thread. Unbounded, but at most one per closed connection,
     * so an event loop closing a connection never waits for room in the bounded inbox.
     */
    private final Queue<Runnable> releases = new ConcurrentLinkedQueue<>();
    /** Work that must run on the log thread because the log is single-threaded (compaction). */
    private final Queue<Runnable> logTasks = new ConcurrentLinkedQueue<>();
    private final ExecutorService snapshotWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "meerkat-snapshot");
        t.setDaemon(true);
        return t;
    });
    private long lastAppliedTerm;
    private long lastSnapshotIndex;
    private volatile boolean snapshotInProgress;
    private final Inbox<Runnable> treeInbox;
    private final Inbox<Submitted> logInbox;
    private final Map<Long, Completion<OpResult>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    /** When each session was last heard from on this server (nanoTime); written by event loops. */
    private final Map<Long, Long> lastSeen = new ConcurrentHashMap<>();

    // Tree thread only.
    private final Map<Long, SessionOwner> owners = new HashMap<>();
    private final Set<Long> expiring = new HashSet<>();
    private final Set<String> reaping = new HashSet<>();

    /** Numbers for monitoring, published by the tree thread after each round of work. */
    private final StatsPublisher published = new StatsPublisher();
    private volatile NodeListener listener = NodeListener.NONE;
    private volatile long lastApplied;
    private volatile boolean leader;
    private volatile boolean running;
    private volatile Throwable failure;
    private long lastStampedTime;
    private Thread treeThread;
    private Thread logThread;

    private record Submitted(long requestId, Command command) {
    }

    public Node(NodeConfig config, LogStore log) {
        this(config, log, null);
    }

    /** A node whose state survives restarts: {@code snapshots} null keeps state in the log only. */
    public Node(NodeConfig config, LogStore log, SnapshotStore snapshots) {
        this.config = config;
        this.log = log;
        this.snapshots = snapshots;
        this.raftSnapshots = new NodeSnapshots(Membership.ofVoters(config.serverId()));
        this.treeInbox = new Inbox<>(config.inboxCapacity());
        this.logInbox = new Inbox<>(config.inboxCapacity());
    }

    /** Replays the log into the tree, then starts serving. Returns once the node is ready for clients. */
    public Node start() {
        long t0 = System.nanoTime();
        loadNewestSnapshot();
        long loadedNanos = System.nanoTime();
        // A single server is a Raft cluster of one voter: the same log, commit and apply path.
        replicator = new RaftReplicator(config.serverId(), Set.of(config.serverId()), log, raftSnapshots, m -> {
            throw new IllegalStateException("a single-voter cluster has nobody to message: " + m);
        });
        List<LogEntry> recovered = replicator.process();
        applyCommitted(recovered);
        LOG.info("recovered {} log entries up to zxid {} in {} ms", recovered.size(), lastApplied,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        listener.recovered(loadedNanos - t0, recovered.size(), System.nanoTime() - loadedNanos);
        published.publish(stateMachine, watches, lastApplied);
        leader = replicator.isLeader();
        running = true;
        treeThread = new Thread(this::runTreeLoop, "meerkat-tree");
        logThread = new Thread(this::runLogLoop, "meerkat-log");
        treeInbox.bindConsumer(treeThread);
        logInbox.bindConsumer(logThread);
        treeThread.start();
        logThread.start();
        return this;
    }

    // ---- client-facing API (any thread, never blocks) -------------------------------------------

    public long lastApplied() {
        return lastApplied;
    }

    public boolean isLeader() {
        return leader;
    }

    public boolean isRunning() {
        return running && failure == null;
    }

    /** Opens a session; on success {@code owner} holds it. */
    public boolean createSession(int timeoutMs, byte[] password, SessionOwner owner, Completion<OpResult> done) {
        return propose(new Command.CreateSession(timeoutMs, password), (result, zxid) -> {
            if (result instanceof OpResult.SessionOpened opened) {
                owners.put(opened.sessionId(), owner);
                lastSeen.put(opened.sessionId(), System.nanoTime());
            }
            done.complete(result, zxid);
        });
    }

    public boolean closeSession(long sessionId, Completion<OpResult> done) {
        return propose(new Command.CloseSession(sessionId, false), done);
    }

    public boolean write(long sessionId, List<AuthId> authIds, WriteOp op, Completion<OpResult> done) {
        return propose(new Command.ClientWrite(sessionId, authIds, op), done);
    }

    public boolean query(long sessionId, List<AuthId> authIds, Query query, Watcher watcher, Completion<QueryResult> done) {
        return treeInbox.offer(() -> done.complete(queries.answer(query, sessionId, authIds, watcher), lastApplied));
    }

    /**
     * Answers a query against the state as it is right now. Only for {@link Completion}s, which run on
     * the tree thread: a read queued behind a session's write is answered inside that write's
     * completion, so it sees exactly the state after the write, while later writes flow on.
     */
    public QueryResult answerNow(long sessionId, List<AuthId> authIds, Query query, Watcher watcher) {
        if (Thread.currentThread() != treeThread) throw new IllegalStateException("answerNow outside the tree thread");
        return queries.answer(query, sessionId, authIds, watcher);
    }

    /**
     * Re-attaches a session to a new connection when id and password match; completes with the
     * session, or null when it does not exist (expired) or the password is wrong.
     */
    public boolean reattach(long sessionId, byte[] password, SessionOwner owner, Completion<Session> done) {
        return treeInbox.offer(() -> {
            Session s = stateMachine.session(sessionId);
            if (s == null || !Arrays.equals(s.password(), password) || expiring.contains(sessionId)) {
                done.complete(null, lastApplied);
                return;
            }
            touch(sessionId);
            SessionOwner previous = owners.put(sessionId, owner);
            if (previous != null && previous != owner) previous.sessionMoved(sessionId);
            done.complete(s, lastApplied);
        });
    }

    /** The connection holding a session went away: forget its watches; the session lives on until it expires. */
    public void release(long sessionId, SessionOwner owner, Watcher watcher) {
        releases.add(() -> {
            owners.remove(sessionId, owner);
            watches.removeAll(watcher);
        });
        treeInbox.wake();
    }

    /** Records that a session's client was heard from. */
    public void touch(long sessionId) {
        if (sessionId != 0) lastSeen.put(sessionId, System.nanoTime());
    }

    /** The numbers as of the tree thread's last round of work; any thread, never waits, never walks the tree. */
    public TreeStats stats() {
        return published.current();
    }

    /** Runs a listing on the tree thread (see {@link Inspection}); false when the inbox is full. */
    public <T> boolean inspect(Inspection<T> inspection, Completion<T> done) {
        Inspection.Context context = new Inspection.Context() {
            @Override
            public StateMachine state() {
                return stateMachine;
            }

            @Override
            public WatchManager watches() {
                return watches;
            }

            @Override
            public long lastAppliedTerm() {
                return lastAppliedTerm;
            }

            @Override
            public Long lastHeardNanos(long sessionId) {
                return lastSeen.get(sessionId);
            }
        };
        return treeInbox.offer(() -> done.complete(inspection.inspect(context), lastApplied));
    }

    /** Who hears about recovery, applied batches and snapshots (metrics); set before {@link #start()}. */
    public Node listener(NodeListener l) {
        listener = l == null ? NodeListener.NONE : l;
        watches.onTrigger(listener::watchesTriggered);
        return this;
    }

    private boolean propose(Command command, Completion<OpResult> done) {
        if (!running) return false;
        long id = requestIds.incrementAndGet();
        waiting.put(id, done);
        if (!logInbox.offer(new Submitted(id, command))) {
            waiting.remove(id);
            return false;
        }
        return true;
    }

    /** Internal proposals (expiry, reaping) that nobody awaits. */
    private void proposeInternal(Command command) {
        if (!logInbox.offer(new Submitted(0, command))) LOG.debug("log inbox full, {} retried later", command);
    }

    // ---- log thread -------------------------------------------------------------------------

    private void runLogLoop() {
        List<Submitted> batch = new ArrayList<>(config.maxBatch());
        List<byte[]> encoded = new ArrayList<>(config.maxBatch());
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.tickMs() / 10));
        long nextTick = System.nanoTime() + tickNanos;
        try {
            while (running) {
                logInbox.drain(batch::add, config.maxBatch() - batch.size());
                boolean proposed = false;
                if (!batch.isEmpty()) {
                    int taken = proposeBatch(batch, encoded);
                    batch.subList(0, taken).clear();
                    proposed = taken > 0;
                }
                for (Runnable task; (task = logTasks.poll()) != null; ) task.run();
                List<LogEntry> committed = replicator.process();
                leader = replicator.isLeader();
                if (!committed.isEmpty()) {
                    Runnable apply = () -> applyCommitted(committed);
                    while (!treeInbox.offer(apply)) {
                        // The tree thread is behind; the log thread may wait, event loops never do.
                        Thread.onSpinWait();
                    }
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    replicator.tick();
                    nextTick = now + tickNanos;
                }
                if (!proposed && committed.isEmpty()) logInbox.idle(nextTick - now);
            }
        } catch (Throwable t) {
            fail("log thread", t);
        }
    }

    /**
     * Stamps and proposes a batch; returns how many Raft took. The rest (Raft refuses beyond its
     * bound of uncommitted entries) stay at the head of the batch for the next round.
     */
    private int proposeBatch(List<Submitted> batch, List<byte[]> encoded) {
        if (!replicator.isLeader()) {
            for (Submitted s : batch) failWaiting(s.requestId(), ErrorCode.CONNECTION_LOSS);
            return batch.size();
        }
        // The leader's clock, kept monotonic, is the only time apply ever sees.
        long now = Math.max(System.currentTimeMillis(), lastStampedTime);
        lastStampedTime = now;
        encoded.clear();
        for (Submitted s : batch) {
            encoded.add(CommandCodec.encode(new Proposal(now, s.requestId() == 0 ? 0 : config.serverId(), s.requestId(), s.command())));
        }
        return replicator.propose(encoded);
    }

    private void failWaiting(long requestId, ErrorCode code) {
        Completion<OpResult> c = requestId == 0 ? null : waiting.remove(requestId);
        if (c != null) {
            Runnable task = () -> c.complete(new OpResult.Error(code), lastApplied);
            while (!treeInbox.offer(task)) Thread.onSpinWait();
        }
    }

    // ---- tree thread ------------------------------------------------------------------------

    private void runTreeLoop() {
        long sessionCheckNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(50, Math.min(config.tickMs() / 2, 1000)));
        long reapNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(10, config.reapIntervalMs()));
        long nextSessionCheck = System.nanoTime() + sessionCheckNanos;
        long nextReap = System.nanoTime() + reapNanos;
        try {
            while (running) {
                int released = 0;
                for (Runnable r; (r = releases.poll()) != null; released++) r.run();
                int n = treeInbox.drain(Runnable::run, 4096);
                if (n + released > 0) published.publish(stateMachine, watches, lastApplied);
                long now = System.nanoTime();
                if (now >= nextSessionCheck) {
                    if (leader) expireSessions(now);
                    nextSessionCheck = now + sessionCheckNanos;
                }
                if (now >= nextReap) {
                    if (leader) reap();
                    nextReap = now + reapNanos;
                }
                if (n == 0) treeInbox.idle(Math.min(nextSessionCheck, nextReap) - now);
            }
        } catch (Throwable t) {
            fail("tree thread", t);
        }
    }

    private void applyCommitted(List<LogEntry> entries) {
        long oldestStampMs = 0;
        int applied0 = 0;
        for (LogEntry e : entries) {
            // A snapshot loaded at start may already cover the head of what the log replays.
            if (e.index() <= stateMachine.lastApplied()) continue;
            lastAppliedTerm = e.term();
            if (e.kind() != EntryKind.COMMAND) {
                stateMachine.skip(e.index());
                lastApplied = e.index();
                continue;
            }
            Proposal p = CommandCodec.decode(e.data());
            if (applied0++ == 0) oldestStampMs = p.time();
            Applied applied = stateMachine.apply(e.index(), p);
            lastApplied = e.index();
            for (WatchEvent ev : applied.events()) watches.trigger(ev);
            if (p.command() instanceof Command.ReapNode r) reaping.remove(r.path());
            if (applied.closedSessionId() != 0) {
                long sid = applied.closedSessionId();
                lastSeen.remove(sid);
                expiring.remove(sid);
                SessionOwner owner = owners.remove(sid);
                // A client that asked to close is answered below and closes itself; anyone else
                // still holding the session (expiry, or a close from elsewhere) is cut off now.
                boolean closedByItsClient = p.command() instanceof Command.CloseSession c && !c.expired()
                        && p.originServer() == config.serverId();
                if (owner != null && !closedByItsClient) owner.sessionClosed(sid);
            }
            if (p.originServer() == config.serverId() && p.requestId() != 0) {
                Completion<OpResult> c = waiting.remove(p.requestId());
                if (c != null) c.complete(applied.result(), e.index());
            }
        }
        if (applied0 > 0) listener.applied(applied0, oldestStampMs);
        maybeSnapshot();
    }

    private void expireSessions(long now) {
        for (Session s : stateMachine.sessions().values()) {
            Long seen = lastSeen.get(s.id());
            if (seen == null) {
                // Never heard of here (restart, new leader): a fresh full timeout, as ZooKeeper gives.
                lastSeen.put(s.id(), now);
            } else if (now - seen > TimeUnit.MILLISECONDS.toNanos(s.timeoutMs()) && expiring.add(s.id())) {
                LOG.info("session 0x{} expired after {} ms of silence", Long.toHexString(s.id()), s.timeoutMs());
                listener.sessionExpired(s.id());
                proposeInternal(new Command.CloseSession(s.id(), true));
            }
        }
    }

    private void reap() {
        long now = System.currentTimeMillis();
        for (String path : stateMachine.tree().containers()) reapIfDue(path, now);
        for (String path : stateMachine.tree().ttlNodes()) reapIfDue(path, now);
    }

    private void reapIfDue(String path, long now) {
        if (stateMachine.isReapable(path, now) && reaping.add(path)) proposeInternal(new Command.ReapNode(path));
    }

    // ---- snapshots --------------------------------------------------------------------------

    private void loadNewestSnapshot() {
        if (snapshots == null) return;
        Optional<SnapshotFile> newest = snapshots.newestValid();
        if (newest.isEmpty()) return;
        SnapshotFile file = newest.get();
        if (file.index() < log.snapshotIndex()) {
            throw new IllegalStateException("newest usable snapshot (index " + file.index() + ") is older than the log's start ("
                    + log.firstIndex() + "): entries in between are gone; the data directory cannot be recovered");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(file.open(), 1 << 16))) {
            SnapshotCodec.Loaded loaded = SnapshotCodec.read(in);
            stateMachine = loaded.stateMachine();
            queries = new QueryEngine(stateMachine.tree(), watches);
            lastAppliedTerm = loaded.lastAppliedTerm();
            lastApplied = stateMachine.lastApplied();
            lastSnapshotIndex = lastApplied;
            raftSnapshots.update(file);
            LOG.info("loaded snapshot {} ({} znodes, {} sessions)", file, stateMachine.tree().size(), stateMachine.sessions().size());
        } catch (IOException e) {
            throw new IllegalStateException("snapshot " + file + " passed its checksum but cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Every snapCount entries: freeze the state here (one pass copying references, no encoding, no
     * disk), then encode, write, sync and purge on the snapshot thread while the node keeps serving.
     */
    private void maybeSnapshot() {
        if (snapshots == null || snapshotInProgress || lastApplied - lastSnapshotIndex < config.snapCount()) return;
        long t0 = System.nanoTime();
        SnapshotImage image = SnapshotCodec.capture(stateMachine, lastAppliedTerm);
        long pauseNanos = System.nanoTime() - t0;
        snapshotInProgress = true;
        lastSnapshotIndex = image.lastApplied();
        snapshotWriter.execute(() -> writeSnapshot(image, pauseNanos));
    }

    private void writeSnapshot(SnapshotImage image, long pauseNanos) {
        long pauseMs = TimeUnit.NANOSECONDS.toMillis(pauseNanos);
        long index = image.lastApplied();
        long t0 = System.nanoTime();
        try (SnapshotWriter writer = snapshots.begin(index, image.lastAppliedTerm())) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(writer.outputStream(), 1 << 16));
            SnapshotCodec.write(image, out);
            out.flush();
            SnapshotFile file = writer.commit();
            raftSnapshots.update(file);
            snapshots.purge(config.snapRetainCount());
            // Keep the log back to the oldest retained snapshot, so a damaged newest snapshot can
            // fall back to an older one plus the log.
            long oldest = snapshots.list().get(0).index();
            logTasks.add(() -> {
                if (oldest > log.snapshotIndex() && oldest <= log.lastIndex()) log.compact(oldest);
            });
            logInbox.wake();
            long writeNanos = System.nanoTime() - t0;
            listener.snapshotWritten(index, file.size(), pauseNanos, writeNanos);
            LOG.info("snapshot at zxid 0x{}: {} znodes, {} bytes; tree paused {} ms, written in {} ms", Long.toHexString(index),
                    image.nodeCount(), file.size(), pauseMs, TimeUnit.NANOSECONDS.toMillis(writeNanos));
        } catch (Exception e) {
            listener.snapshotFailed(index);
            LOG.error("snapshot at zxid 0x{} failed; the log keeps everything", Long.toHexString(index), e);
        } finally {
            snapshotInProgress = false;
        }
    }

    private void fail(String where, Throwable t) {
        failure = t;
        running = false;
        LOG.error("meerkat {} stopped on an unexpected error; the node stops serving", where, t);
    }

    @Override
    public void close() {
        if (!running && treeThread == null) return;
        running = false;
        treeInbox.wake();
        logInbox.wake();
        try {
            if (logThread != null) logThread.join(5000);
            if (treeThread != null) treeThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        snapshotWriter.shutdown();
        try {
            snapshotWriter.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
    }
}
