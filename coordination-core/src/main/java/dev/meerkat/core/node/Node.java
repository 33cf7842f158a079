package dev.meerkat.core.node;

import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.PeerListener;
import dev.meerkat.core.cluster.PeerMessage;
import dev.meerkat.core.cluster.PeerTransport;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.query.Query;
import dev.meerkat.core.query.QueryResult;
import dev.meerkat.core.raft.RaftConfig;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.storage.SnapshotFile;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.core.stats.Inspection;
import dev.meerkat.core.stats.NodeListener;
import dev.meerkat.core.stats.TreeStats;
import dev.meerkat.core.watch.WatchManager;
import dev.meerkat.core.watch.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Meerkat server's core: the replicated state, its log, and the threads that drive them. This
 * class wires the parts and is the API the client-facing side calls; the work is done by:
 * <ul>
 *   <li>{@link LogDriver}, the <b>log thread</b>: Raft, the log and its fsyncs
 *       ({@link RaftReplicator}), proposing on the leader and forwarding writes to it on a follower;</li>
 *   <li>{@link ApplyLoop}, the <b>tree thread</b>: applies committed entries, answers queries,
 *       fires watches, and on the leader expires sessions ({@link SessionTracker}) and reaps nodes
 *       ({@link Reaper});</li>
 *   <li>{@link SnapshotTaker}, the <b>snapshot thread</b>: writes snapshots while the others go on.</li>
 * </ul>
 * Callers (event loops) only ever offer to bounded lock-free inboxes; a false return means "busy,
 * back off", never a wait. Results come back through {@link Completion}s on the tree thread.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /**
     * A deliberately broken sync, answered from the local state without asking the leader, so that
     * the linearizability checker of the test suite can prove it catches such a server. Never set
     * it anywhere else: a sync would then promise what it cannot.
     */
    /** How long {@link #start} waits for a single server's log thread to take the lead. */
    private static final long STANDALONE_SERVING_TIMEOUT_MS = 30_000;
    /** Completed the first time this server serves (or failed when it stops on an error first). */
    private final java.util.concurrent.CompletableFuture<Void> firstServing = new java.util.concurrent.CompletableFuture<>();
    private static final boolean UNSAFE_LOCAL_SYNC = Boolean.getBoolean("meerkat.unsafe.localSync");

    private final NodeConfig config;
    private final ClusterConfig cluster;
    private final LogStore log;
    private final SnapshotStore snapshotStore;
    private final NodeSnapshots raftSnapshots;
    private final PendingRequests pending = new PendingRequests();
    private final SessionTracker sessions = new SessionTracker();
    private final List<ServingListener> listeners = new CopyOnWriteArrayList<>();
    private final ApplyLoop apply;
    private final ConfigTracker configs;
    private final SnapshotTaker snapshots;
    private LogDriver driver;
    private PeerTransport transport = PeerTransport.NONE;
    private Thread treeThread;
    private Thread logThread;
    private volatile boolean running;
    private volatile Throwable failure;
    private final List<Consumer<Throwable>> failureHandlers = new CopyOnWriteArrayList<>();
    private volatile NodeListener metrics = NodeListener.NONE;

    public Node(NodeConfig config, LogStore log) {
        this(config, log, null);
    }

    /** A single server whose state survives restarts: {@code snapshots} null keeps state in the log only. */
    public Node(NodeConfig config, LogStore log, SnapshotStore snapshots) {
        this(config, ClusterConfig.standalone(), log, snapshots);
    }

    public Node(NodeConfig config, ClusterConfig cluster, LogStore log, SnapshotStore snapshots) {
        this.config = config;
        this.cluster = cluster;
        this.log = log;
        this.snapshotStore = snapshots;
        this.configs = new ConfigTracker(cluster);
        this.raftSnapshots = new NodeSnapshots();
        this.snapshots = new SnapshotTaker(snapshots, raftSnapshots, config.snapCount(), config.snapRetainCount(),
                config.snapSizeLimitBytes(), index -> driver.compactTo(index));
        this.apply = new ApplyLoop(config, cluster.myId(), pending, sessions, this.snapshots, configs);
    }

    /** What the peer transport reports to this node. */
    public PeerListener peerListener() {
        return new PeerListener() {
            @Override
            public boolean onMessage(long from, PeerMessage message) {
                if (message instanceof PeerMessage.SessionTouches t) {
                    sessions.touchedElsewhere(t.sessionIds());
                    return true;
                }
                LogDriver d = driver;
                return d != null && d.peerInbox.offer(new LogDriver.Incoming(from, message));
            }

            @Override
            public void onUnreachable(long peer) {
                LogDriver d = driver;
                if (d != null) d.runOnLogThread(() -> d.peerUnreachable(peer));
            }

            @Override
            public void onLinkReset(long peer) {
                LogDriver d = driver;
                if (d != null) d.runOnLogThread(() -> d.linkReset(peer));
            }

            @Override
            public void onConfigMismatch(long peer, String theirShape) {
                configMismatch(peer, theirShape);
            }
        };
    }

    /** A single server: replays the log into the tree, then starts serving. */
    public Node start() {
        return start(PeerTransport.NONE);
    }

    /** Replays what is known committed into the tree, then starts the threads; returns at once. */
    public Node start(PeerTransport peers) {
        long t0 = System.nanoTime();
        if (UNSAFE_LOCAL_SYNC) LOG.warn("UNSAFE: meerkat.unsafe.localSync is set: sync answers without the leader; not linearizable");
        this.transport = peers;
        loadNewestSnapshot();
        configs.stateLoaded(apply.state());
        long loadedNanos = System.nanoTime();
        RaftConfig raftConfig = RaftConfig.builder(cluster.myId())
                .voters(cluster.membership().voters()).learners(cluster.membership().learners())
                .electionTick(config.electionTicks()).heartbeatTick(1).preVote(true).checkQuorum(true).build();
        RaftReplicator replicator = new RaftReplicator(raftConfig, log, raftSnapshots, new ReceivedSnapshot(snapshotStore),
                this::installReceived, LogDriver.sender(peers));
        driver = new LogDriver(config, cluster, log, replicator, peers, pending, apply, configs, this::servingChanged);
        apply.wire(driver::status, this::proposeInternal, peers, listeners);
        List<LogEntry> recovered = replicator.process().committed();
        apply.applyRecovered(recovered);
        LOG.info("recovered {} log entries up to zxid {} in {} ms", recovered.size(), apply.lastApplied(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        metrics.recovered(loadedNanos - t0, recovered.size(), System.nanoTime() - loadedNanos);
        if (!cluster.isStandalone()) {
            // The log may know a newer ensemble than zoo.cfg: link to the servers it names.
            peers.updatePeers(configs.current());
            configs.addListener(peers::updatePeers);
        }
        apply.publishStats();
        running = true;
        treeThread = new Thread(guarded("tree thread", apply), "meerkat-tree");
        logThread = new Thread(guarded("log thread", driver), "meerkat-log");
        apply.bind(treeThread);
        driver.bind(logThread);
        treeThread.start();
        logThread.start();
        if (cluster.isStandalone()) awaitFirstServing();
        return this;
    }

    private Runnable guarded(String where, Runnable loop) {
        return () -> {
            try {
                loop.run();
            } catch (Throwable t) {
                fail(where, t);
            }
        };
    }

    // ---- client-facing API (any thread, never blocks) -------------------------------------------

    public long lastApplied() {
        return apply.lastApplied();
    }

    public long serverId() {
        return cluster.myId();
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    /** This server's role, term, commit index and, on the leader, its followers' progress. */
    public ClusterStatus status() {
        LogDriver d = driver;
        return d == null ? ClusterStatus.starting(cluster.myId()) : d.status();
    }

    public boolean isLeader() {
        return status().isLeader();
    }

    public boolean isRunning() {
        return running && failure == null;
    }

    /** Running and part of a quorum: clients may be served. */
    public boolean isServing() {
        return isRunning() && status().serving();
    }

    /**
     * Cut off from the quorum with read-only mode on: only reads, for clients that accept that
     * (ZooKeeper's read-only server). Never on a single server or a server that stopped.
     */
    public boolean isReadOnly() {
        return cluster.readOnlyModeEnabled() && isRunning() && treeThread != null && !status().serving();
    }

    /**
     * A read-only server's re-attach: the session must exist in this server's (possibly stale)
     * state with this password; nothing goes through the log. Completes with the session, or null.
     */
    public boolean peekSession(long sessionId, byte[] password, Completion<Session> done) {
        return apply.inbox.offer(() -> Completions.task("a read-only session re-attach", () -> {
            Session s = apply.state().session(sessionId);
            done.complete(s != null && Arrays.equals(s.password(), password) ? s : null, apply.lastApplied());
        }));
    }

    /** A read answered from this server's state as it is, never waiting for the leader (read-only mode). */
    public boolean queryLocal(long sessionId, List<AuthId> authIds, Query query, Watcher watcher, Completion<QueryResult> done) {
        return apply.inbox.offer(() -> Completions.task("a local query", () ->
                done.complete(apply.queries().answer(query, sessionId, authIds, watcher), apply.lastApplied())));
    }

    public void addListener(ServingListener listener) {
        listeners.add(listener);
    }

    /** Called (once, on a node thread) when the node stops on an error it cannot go on from. */
    public void onFailure(Consumer<Throwable> handler) {
        Throwable already;
        synchronized (failureHandlers) {
            already = failure;
            if (already == null) failureHandlers.add(handler);
        }
        // A node can fail while its server is still starting (a peer's refusal, say), before the
        // server registers its handler: that handler must still hear of it, or the process lingers.
        if (already != null) handler.accept(already);
    }

    /** Opens a session; on success {@code owner} holds it. */
    public boolean createSession(int timeoutMs, byte[] password, SessionOwner owner, Completion<OpResult> done) {
        return submit(new Command.CreateSession(timeoutMs, password), (result, zxid) -> {
            if (result instanceof OpResult.SessionOpened opened) {
                apply.owners().put(opened.sessionId(), owner);
                sessions.touch(opened.sessionId());
            }
            done.complete(result, zxid);
        });
    }

    public boolean closeSession(long sessionId, Completion<OpResult> done) {
        return submit(new Command.CloseSession(sessionId, false), done);
    }

    /**
     * ZooKeeper's reconfig. Checked here as ZooKeeper checks it (reconfigEnabled, then WRITE on
     * {@code /zookeeper/config}, which a super user always has), then carried out by the leader
     * (see {@link Reconfigurator}); completes with {@link OpResult.Reconfigured} or an error.
     */
    public boolean reconfig(long sessionId, List<AuthId> authIds, dev.meerkat.core.cluster.ReconfigSpec spec, Completion<OpResult> done) {
        if (!running) return false;
        return apply.inbox.offer(() -> Completions.task("a reconfig", () -> {
            if (cluster.isStandalone() || !cluster.reconfigEnabled()) {
                done.complete(new OpResult.Error(ErrorCode.RECONFIG_DISABLED), apply.lastApplied());
                return;
            }
            var node = apply.state().tree().get(dev.meerkat.core.tree.DataTree.CONFIG_PATH);
            if (!dev.meerkat.core.acl.AclPolicy.permits(node.acl(), dev.meerkat.core.api.Perms.WRITE, authIds)) {
                done.complete(new OpResult.Error(ErrorCode.NO_AUTH), apply.lastApplied());
                return;
            }
            long id = pending.register(done);
            if (!driver.submissions.offer(new LogDriver.Submission.Reconfig(id, spec))) {
                pending.fail(id, ErrorCode.CONNECTION_LOSS, apply.lastApplied());
            }
        }));
    }

    /** The ensemble's configuration as this server has applied it (what {@code /zookeeper/config} says). */
    public ConfigTracker configuration() {
        return configs;
    }

    /**
     * Moves leadership to server {@code targetId} (0: the most up-to-date participant), asking the
     * leader wherever it is. Completes with the new leader's id, or exceptionally when the move did
     * not happen within two election timeouts.
     */
    public java.util.concurrent.CompletableFuture<Long> transferLeadership(long targetId) {
        java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
        if (!running || cluster.isStandalone()) {
            done.completeExceptionally(new IllegalStateException(cluster.isStandalone() ? "a standalone server has nobody to hand leadership to"
                    : "the server is not running"));
            return done;
        }
        driver.runOnLogThread(() -> driver.transferLeadership(targetId, done));
        return done.orTimeout(2L * config.electionTimeoutMs() + 1000, TimeUnit.MILLISECONDS);
    }

    /** Operator-requested leadership moves and how they went. */
    public LeadershipTransfers.Stats leadershipTransfers() {
        LogDriver d = driver;
        return d == null ? new LeadershipTransfers.Stats(0, 0, 0, -1, false) : d.transfers().stats();
    }

    /** A client write. A sync is not a write: it becomes a read barrier through the leader (ReadIndex). */
    public boolean write(long sessionId, List<AuthId> authIds, WriteOp op, Completion<OpResult> done) {
        if (op instanceof WriteOp.Sync s && UNSAFE_LOCAL_SYNC) {
            return apply.inbox.offer(() -> done.complete(new OpResult.Synced(s.path()), apply.lastApplied()));
        }
        if (op instanceof WriteOp.Sync s) return readBarrier((result, zxid) -> done.complete(
                result instanceof OpResult.Error ? result : new OpResult.Synced(s.path()), zxid));
        return submit(new Command.ClientWrite(sessionId, authIds, op, config.enforceQuota()), done);
    }

    public boolean query(long sessionId, List<AuthId> authIds, Query query, Watcher watcher, Completion<QueryResult> done) {
        if (config.linearizableReads()) {
            // Linearizable reads (a Meerkat extension): answer only once everything committed before
            // the read began is applied here.
            return readBarrier((result, zxid) -> done.complete(result instanceof OpResult.Error e
                    ? new QueryResult.Error(e.code()) : apply.queries().answer(query, sessionId, authIds, watcher), apply.lastApplied()));
        }
        return apply.inbox.offer(() -> Completions.task("a query", () ->
                done.complete(apply.queries().answer(query, sessionId, authIds, watcher), apply.lastApplied())));
    }

    /**
     * Answers a query against the state as it is right now. Only for {@link Completion}s, which run on
     * the tree thread: a read queued behind a session's write is answered inside that write's
     * completion, so it sees exactly the state after the write, while later writes flow on.
     */
    public QueryResult answerNow(long sessionId, List<AuthId> authIds, Query query, Watcher watcher) {
        if (Thread.currentThread() != treeThread) throw new IllegalStateException("answerNow outside the tree thread");
        return apply.queries().answer(query, sessionId, authIds, watcher);
    }

    /**
     * Re-attaches a session to a new connection when id and password match. Completes with
     * {@link OpResult.SessionAttached}; with {@code Error(SESSION_EXPIRED)} when the session does not
     * exist or the password is wrong; or with another error when the answer cannot be known now (no
     * leader to take the attach, say): then the client must try again, its session is not lost. A
     * session this server already holds is re-attached here at once; one held elsewhere (or unknown
     * here, as on a server that lags) goes through the log, which makes this server its owner.
     */
    public boolean reattach(long sessionId, byte[] password, SessionOwner owner, Completion<OpResult> done) {
        return apply.inbox.offer(() -> Completions.task("a session re-attach", () -> {
            Session s = apply.state().session(sessionId);
            if (s != null && (!Arrays.equals(s.password(), password) || sessions.isExpiring(sessionId))) {
                done.complete(new OpResult.Error(ErrorCode.SESSION_EXPIRED), apply.lastApplied());
                return;
            }
            if (s != null && s.ownerServer() == cluster.myId()) {
                attached(s, owner);
                done.complete(new OpResult.SessionAttached(s), apply.lastApplied());
                return;
            }
            boolean queued = submit(new Command.AttachSession(sessionId, password), (result, zxid) -> {
                if (result instanceof OpResult.SessionAttached a) attached(a.session(), owner);
                done.complete(result, zxid);
            });
            if (!queued) done.complete(new OpResult.Error(ErrorCode.CONNECTION_LOSS), apply.lastApplied());
        }));
    }

    private void attached(Session s, SessionOwner owner) {
        sessions.touch(s.id());
        SessionOwner previous = apply.owners().put(s.id(), owner);
        if (previous != null && previous != owner) previous.sessionMoved(s.id());
    }

    /** The connection holding a session went away: forget its watches; the session lives on until it expires. */
    public void release(long sessionId, SessionOwner owner, Watcher watcher) {
        apply.release(() -> {
            apply.owners().remove(sessionId, owner);
            apply.watches().removeAll(watcher);
        });
    }

    /** Records that a session's client was heard from. */
    public void touch(long sessionId) {
        sessions.touch(sessionId);
    }

    /**
     * Calls {@code listener} on the tree thread after every command entry applied from now on. For a
     * consistent start, follow with {@link #readTree}: whatever it reads at zxid Z, the listener sees
     * every entry after Z.
     */
    public void subscribe(AppliedListener listener) {
        apply.subscribe(listener);
    }

    public void unsubscribe(AppliedListener listener) {
        apply.unsubscribe(listener);
    }

    /** Runs {@code reader} on the tree thread between two entries; false when the inbox is full (try again). */
    public boolean readTree(TreeReader reader) {
        return apply.inbox.offer(() -> Completions.task("a tree reader", () -> reader.read(apply.state().tree(), apply.lastApplied())));
    }

    /** The numbers as of the tree thread's last round of work; any thread, never waits, never walks the tree. */
    public TreeStats stats() {
        return apply.stats();
    }

    /**
     * A fresh snapshot, written as the periodic ones are: captured in slices (the tree never waits
     * for more than one) and encoded on the snapshot thread. Fails for a node that keeps no
     * snapshots, one that has applied nothing yet, and when the tree thread's inbox is full.
     */
    public java.util.concurrent.CompletableFuture<dev.meerkat.core.storage.SnapshotFile> takeSnapshot() {
        var done = new java.util.concurrent.CompletableFuture<dev.meerkat.core.storage.SnapshotFile>();
        if (!apply.inbox.offer(() -> apply.snapshotNow(done))) done.completeExceptionally(new IllegalStateException("the tree thread is busy"));
        return done;
    }

    /** Runs a listing on the tree thread (see {@link Inspection}); false when the inbox is full. */
    public <T> boolean inspect(Inspection<T> inspection, Completion<T> done) {
        Inspection.Context context = new Inspection.Context() {
            @Override
            public StateMachine state() {
                return apply.state();
            }

            @Override
            public WatchManager watches() {
                return apply.watches();
            }

            @Override
            public long lastAppliedTerm() {
                return apply.lastAppliedTerm();
            }

            @Override
            public Long lastHeardNanos(long sessionId) {
                return sessions.lastHeardNanos(sessionId);
            }
        };
        return apply.inbox.offer(() -> Completions.task("an inspection", () -> done.complete(inspection.inspect(context), apply.lastApplied())));
    }

    /** Who hears about recovery, applied batches and snapshots (metrics); set before {@link #start()}. */
    public Node listener(NodeListener l) {
        NodeListener metrics = l == null ? NodeListener.NONE : l;
        this.metrics = metrics;
        apply.metrics(metrics);
        snapshots.metrics(metrics);
        return this;
    }

    private boolean submit(Command command, Completion<OpResult> done) {
        if (!running) return false;
        long id = pending.register(done);
        if (!driver.submissions.offer(new LogDriver.Submission.Write(id, command))) {
            pending.forget(id);
            return false;
        }
        return true;
    }

    private boolean readBarrier(Completion<OpResult> done) {
        if (!running) return false;
        long id = pending.register(done);
        if (!driver.submissions.offer(new LogDriver.Submission.ReadBarrier(id))) {
            pending.forget(id);
            return false;
        }
        return true;
    }

    /** Internal proposals (expiry, reaping) that nobody awaits; false when the log thread is busy (retried later). */
    private boolean proposeInternal(Command command) {
        return driver.submissions.offer(new LogDriver.Submission.Write(0, command));
    }

    // ---- events ----------------------------------------------------------------------------------

    private void servingChanged(boolean serving) {
        if (serving) firstServing.complete(null);
        for (ServingListener l : listeners) l.servingChanged(serving);
    }

    /**
     * A single server leads as soon as its log thread runs: {@link #start} returns only once it
     * serves, so that whoever starts one (an embedded server, a test) can use it at once. An ensemble
     * member returns at once: it serves when an election has found a leader.
     */
    private void awaitFirstServing() {
        try {
            firstServing.get(STANDALONE_SERVING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the single server started", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the single server stopped before it served: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the single server did not serve within " + STANDALONE_SERVING_TIMEOUT_MS + " ms of starting");
        }
    }

    /** Log thread: a snapshot from the leader is durable; the state follows on the tree thread. */
    private void installReceived(SnapshotFile file, dev.meerkat.core.raft.IncomingSnapshot s) {
        raftSnapshots.update(file, s.membership());
        apply.offerTask(() -> apply.installReceived(file));
        snapshots.purgeLater();
    }

    private final java.util.Set<Long> disagreeing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A peer is configured with a different ensemble. Links to it are refused either way. Once the
     * voters that have not been found to disagree are too few for a quorum of this server's own
     * configuration, this server can never take part in a working ensemble as configured: it stops,
     * with the reason, rather than wait forever. (So when one server's list is wrong, that one
     * stops and the others go on.)
     */
    private void configMismatch(long peer, String theirShape) {
        if (cluster.reconfigEnabled()) return; // server lists differ while the ensemble changes
        LOG.error("server {} is configured with the ensemble [{}], this server (server {}) with [{}]: they cannot work together",
                peer, theirShape, cluster.myId(), cluster.quorumShape());
        disagreeing.add(peer);
        long possible = cluster.membership().voters().stream().filter(v -> !disagreeing.contains(v)).count();
        if (possible < cluster.membership().quorum()) {
            fail("configuration check", new IllegalStateException("the server lists disagree: servers " + disagreeing
                    + " are configured with a different ensemble than this server's [" + cluster.quorumShape()
                    + "], so this server can never reach a quorum; fix the server.N lines so that every server lists the same servers"));
        }
    }

    // ---- snapshots -------------------------------------------------------------------------------

    private void loadNewestSnapshot() {
        if (snapshotStore == null) return;
        Optional<SnapshotFile> newest = snapshotStore.newestValid();
        if (newest.isEmpty()) return;
        SnapshotFile file = newest.get();
        if (file.index() < log.snapshotIndex()) {
            throw new IllegalStateException("newest usable snapshot (index " + file.index() + ") is older than the log's start ("
                    + log.firstIndex() + "): entries in between are gone; the data directory cannot be recovered");
        }
        apply.loadAtStart(file);
        raftSnapshots.update(file, configs.membership());
        boolean beyondLog = file.index() > log.lastIndex();
        boolean conflicting = !beyondLog && file.index() > log.snapshotIndex() && log.term(file.index()) != file.term();
        if (beyondLog || conflicting) {
            // A snapshot received from the leader whose log reset did not happen before a crash.
            LOG.info("the log ends before snapshot {} (or disagrees with it): restarting the log after the snapshot", file);
            log.resetToSnapshot(file.index(), file.term());
        }
    }

    // ---- stopping --------------------------------------------------------------------------------

    /**
     * A leader hands its leadership to the most up-to-date follower and waits (at most two election
     * timeouts) until it has moved, so that clients see no election pause when it stops.
     */
    public void handOverLeadership() {
        if (!running || configs.membership().voters().size() < 2 || !status().mode().equals("leader")) return;
        java.util.concurrent.CompletableFuture<Void> gone = new java.util.concurrent.CompletableFuture<>();
        driver.runOnLogThread(() -> driver.handOverLeadership(gone));
        try {
            gone.get(2L * config.electionTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Stopping anyway: the others elect a leader after their timeout.
        }
        LOG.info("server {} {} before stopping", cluster.myId(),
                status().mode().equals("leader") ? "could not hand over leadership" : "handed over leadership");
    }

    /**
     * Fail-stop: a node that cannot go on (its log or tree thread died, its disk failed) stops all
     * of it at once rather than linger as a zombie: both threads end, its peers see it gone (the
     * peer links close), and the failure handlers close the client connections (so that clients
     * fail over) and, in the standalone process, exit non-zero. ruok stops answering imok.
     */
    private void fail(String where, Throwable t) {
        synchronized (failureHandlers) {
            if (failure != null) return;
            failure = t;
        }
        running = false;
        firstServing.completeExceptionally(t);
        LOG.error("meerkat {} stopped on an error: {}; the server stops serving", where, t.getMessage(), t);
        if (driver != null) driver.stop();
        apply.stop();
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the peer links after the failure: {}", e.toString());
        }
        for (Consumer<Throwable> h : failureHandlers) {
            try {
                h.accept(t);
            } catch (RuntimeException e) {
                LOG.error("a failure handler failed", e);
            }
        }
    }

    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        if (treeThread == null) return;
        running = false;
        if (driver != null) driver.stop();
        apply.stop();
        try {
            if (logThread != null) logThread.join(5000);
            if (treeThread != null) treeThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Nobody will be answered any more: tell the waiting clients so (they fail over).
        pending.failAll(ErrorCode.CONNECTION_LOSS, apply.lastApplied());
        snapshots.close();
        log.close();
        treeThread = null;
    }
}
