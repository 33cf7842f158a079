package dev.meerkat.core.node;

import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.cluster.ConfigEntry;
import dev.meerkat.core.cluster.PeerMessage;
import dev.meerkat.core.cluster.PeerTransport;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.CommandCodec;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.query.QueryEngine;
import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.state.Applied;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.storage.SnapshotFile;
import dev.meerkat.core.storage.UnsyncBufferedInputStream;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.Znode;
import dev.meerkat.core.watch.WatchManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The tree thread: the one writer of the tree, sessions and watches. It applies committed entries
 * in log order, answers this server's waiting requests and fires its clients' watches, answers
 * queries, and on the leader decides session expiry and reaping; on a follower it relays the
 * sessions its clients pinged to the leader.
 */
final class ApplyLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyLoop.class);
    /** The longest the tree thread sleeps while a snapshot capture is under way. */
    private static final long CAPTURE_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final NodeConfig config;
    private final long selfId;
    private final PendingRequests pending;
    private final SessionTracker sessions;
    private final SnapshotTaker snapshots;
    private final ConfigTracker configs;
    private final Reaper reaper = new Reaper();
    private final WatchManager watches = new WatchManager();
    final Inbox<Runnable> inbox;
    /**
     * Connection releases. Unbounded, but at most one per closed connection, so an event loop
     * closing a connection never waits for room in the bounded inbox.
     */
    private final Queue<Runnable> releases = new ConcurrentLinkedQueue<>();

    // Set before the loop starts, then tree thread only.
    private Supplier<ClusterStatus> status;
    private Predicate<Command> proposeInternal;
    private PeerTransport transport = PeerTransport.NONE;
    private List<ServingListener> listeners = List.of();
    /** Numbers for monitoring, published after each round of work. */
    private final dev.meerkat.core.stats.StatsPublisher published = new dev.meerkat.core.stats.StatsPublisher();
    private volatile dev.meerkat.core.stats.NodeListener metrics = dev.meerkat.core.stats.NodeListener.NONE;
    private final List<AppliedListener> appliedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private StateMachine state = new StateMachine();
    private QueryEngine queries;
    private long lastAppliedTerm;
    private final Map<Long, SessionOwner> owners = new HashMap<>();
    /** Read barriers waiting for this server to apply up to their index. */
    private final TreeMap<Long, List<Long>> readWaiters = new TreeMap<>();
    private boolean wasLeader;

    private volatile long lastApplied;
    private volatile boolean running = true;
    private volatile Thread thread;

    ApplyLoop(NodeConfig config, long selfId, PendingRequests pending, SessionTracker sessions, SnapshotTaker snapshots,
              ConfigTracker configs) {
        this.configs = configs;
        this.config = config;
        this.selfId = selfId;
        this.pending = pending;
        this.sessions = sessions;
        this.snapshots = snapshots;
        this.inbox = new Inbox<>(config.inboxCapacity());
        this.queries = new QueryEngine(state.tree(), watches, config.maxWatchesPerSession());
    }

    void wire(Supplier<ClusterStatus> status, Predicate<Command> proposeInternal, PeerTransport transport, List<ServingListener> listeners) {
        this.status = status;
        this.proposeInternal = proposeInternal;
        this.transport = transport;
        this.listeners = listeners;
    }

    void bind(Thread t) {
        thread = t;
        inbox.bindConsumer(t);
    }

    /** Who hears about applied batches and expiries, for metrics; set before the threads start. */
    void metrics(dev.meerkat.core.stats.NodeListener l) {
        metrics = l;
        watches.onTrigger(l::watchesTriggered);
    }

    dev.meerkat.core.stats.TreeStats stats() {
        return published.current();
    }

    /** Tree thread (or before it starts): publishes the numbers as they are now. */
    void publishStats() {
        published.publish(state, watches, lastApplied);
    }

    long lastApplied() {
        return lastApplied;
    }

    long lastAppliedTerm() {
        return lastAppliedTerm;
    }

    StateMachine state() {
        return state;
    }

    /** Tree thread: a snapshot of the state as it is now (see {@link SnapshotTaker#takeNow}). */
    void snapshotNow(java.util.concurrent.CompletableFuture<dev.meerkat.core.storage.SnapshotFile> done) {
        snapshots.takeNow(done);
    }

    QueryEngine queries() {
        return queries;
    }

    WatchManager watches() {
        return watches;
    }

    Map<Long, SessionOwner> owners() {
        return owners;
    }

    /** Crashes loudly when called from the wrong thread: everything here has one owner. */
    void assertTreeThread() {
        Thread t = thread;
        if (t != null && Thread.currentThread() != t) {
            throw new IllegalStateException("tree state touched from " + Thread.currentThread().getName() + ", not the tree thread");
        }
    }

    /** Log thread: hands committed entries over; waits for room (never called from an event loop). */
    void offerCommitted(List<LogEntry> entries) {
        offerTask(() -> applyCommitted(entries));
    }

    /** From the node's own threads only: they may wait for room, event loops may not. */
    void offerTask(Runnable task) {
        while (!inbox.offer(task)) {
            if (!running) return;
            Thread.onSpinWait();
        }
    }

    /** Any thread, never waits. */
    void release(Runnable r) {
        releases.add(r);
        inbox.wake();
    }

    void stop() {
        running = false;
        inbox.wake();
    }

    // ---- the loop ------------------------------------------------------------------------------

    @Override
    public void run() {
        long sessionCheckNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(50, Math.min(config.tickMs() / 2, 1000)));
        long reapNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(10, config.reapIntervalMs()));
        long nextSessionCheck = System.nanoTime() + sessionCheckNanos;
        long nextReap = System.nanoTime() + reapNanos;
        while (running) {
            int released = 0;
            for (Runnable r; (r = releases.poll()) != null; released++) r.run();
            int n = inbox.drain(Runnable::run, 4096);
            if (n + released > 0) publishStats();
            // A snapshot begins when due and is captured in slices between rounds of work; while the
            // snapshot writer has no room for the next chunk the capture has nothing to do, and the loop may sleep.
            boolean capturing = snapshots.step(state, lastAppliedTerm, configs.membership());
            long now = System.nanoTime();
            boolean leader = status.get().isLeader();
            if (leader != wasLeader) {
                if (leader) {
                    sessions.becameLeader(state.sessions().values());
                } else {
                    sessions.lostLeadership();
                    reaper.lostLeadership();
                }
                wasLeader = leader;
            }
            if (now >= nextSessionCheck) {
                if (leader) expireSessions(now);
                else relayTouches();
                nextSessionCheck = now + sessionCheckNanos;
            }
            if (now >= nextReap) {
                if (leader) reaper.reap(state, System.currentTimeMillis(), proposeInternal);
                nextReap = now + reapNanos;
            }
            if (n == 0 && !capturing) {
                long idleNanos = Math.min(nextSessionCheck, nextReap) - now;
                // A capture waiting for the snapshot writer is woken by it; the bound only guards that wake-up.
                inbox.idle(snapshots.capturing() ? Math.min(idleNanos, CAPTURE_IDLE_NANOS) : idleNanos);
            }
        }
    }

    private void expireSessions(long nowNanos) {
        for (Session s : sessions.dueForExpiry(state.sessions().values(), nowNanos)) {
            LOG.info("session 0x{} expired after {} ms of silence", Long.toHexString(s.id()), s.timeoutMs());
            metrics.sessionExpired(s.id());
            if (!proposeInternal.test(new Command.CloseSession(s.id(), true))) sessions.expiryNotProposed(s.id());
        }
    }

    private void relayTouches() {
        long leader = status.get().leaderId();
        if (leader == 0 || leader == selfId) return;
        long[] touched = sessions.drainTouched();
        // A lost relay costs nothing: the next one carries the same sessions again, and the timeouts
        // are many relay intervals long.
        if (touched.length > 0) transport.send(leader, new PeerMessage.SessionTouches(touched));
    }

    // ---- applying --------------------------------------------------------------------------------

    /** Applies recovered entries before the threads start, on the starting thread. */
    void applyRecovered(List<LogEntry> entries) {
        applyCommitted(entries);
    }

    private void applyCommitted(List<LogEntry> entries) {
        long oldestStampMs = 0;
        int appliedCommands = 0;
        for (LogEntry e : entries) {
            // A snapshot loaded at start may already cover the head of what the log replays.
            if (e.index() <= state.lastApplied()) continue;
            if (e.index() != state.lastApplied() + 1) {
                throw new IllegalStateException("entry " + e.index() + " applied after " + state.lastApplied() + ": the log has a gap");
            }
            lastAppliedTerm = e.term();
            snapshots.applied(e.data() == null ? 0 : e.data().length);
            if (e.kind() == EntryKind.CONFIG) {
                applyConfig(e);
                continue;
            }
            if (e.kind() != EntryKind.COMMAND) {
                state.skip(e.index());
                lastApplied = e.index();
                continue;
            }
            Proposal p = CommandCodec.decode(e.data());
            if (appliedCommands++ == 0) oldestStampMs = p.time();
            Applied applied = state.apply(e.index(), p);
            lastApplied = e.index();
            for (WatchEvent ev : applied.events()) watches.trigger(ev);
            for (AppliedListener l : appliedListeners) notifyApplied(l, e.index(), p, applied);
            Command c = p.command();
            if (c instanceof Command.ReapNode r) reaper.applied(r.path());
            if (c instanceof Command.AttachSession a && applied.result() instanceof OpResult.SessionAttached
                    && p.originServer() != selfId) {
                // The client moved to another server: whoever still holds it here must let go.
                SessionOwner previous = owners.remove(a.sessionId());
                if (previous != null) previous.sessionMoved(a.sessionId());
            }
            if (applied.closedSessionId() != 0) sessionEnded(applied.closedSessionId(), p);
            if (p.originServer() == selfId && p.requestId() != 0) pending.complete(p.requestId(), applied.result(), e.index());
        }
        if (appliedCommands > 0) metrics.applied(appliedCommands, oldestStampMs);
        answerReadWaiters();
    }

    /** A new ensemble configuration: into {@code /zookeeper/config}, to the peer links, and to the client that asked for it. */
    private void applyConfig(LogEntry e) {
        ConfigEntry entry = ConfigEntry.decode(e.data(), e.index());
        if (entry == null) {
            // A bare membership (only the Raft engine's own tests write those): nothing for the tree.
            state.skip(e.index());
            lastApplied = e.index();
            return;
        }
        if (!entry.published()) {
            // A step on the way (a learner joining): who replicates changes, clients see nothing yet.
            state.skip(e.index());
            configs.applied(entry.config(), false);
            // Only now: the Reconfigurator takes its next step once this index is applied, and must
            // find the configuration it made there.
            lastApplied = e.index();
            return;
        }
        WatchEvent changed = state.applyConfig(e.index(), entry.config().bytes(), entry.timeMs());
        watches.trigger(changed);
        // The answer first: a server this change removes stops serving once it sees the change.
        if (entry.originServer() == selfId && entry.requestId() != 0) {
            Znode node = state.tree().get(DataTree.CONFIG_PATH);
            pending.complete(entry.requestId(), new OpResult.Reconfigured(node.data(), node.stat()), e.index());
        }
        configs.applied(entry.config(), true);
        lastApplied = e.index();
    }

    ConfigTracker configs() {
        return configs;
    }

    void subscribe(AppliedListener listener) {
        appliedListeners.add(listener);
    }

    void unsubscribe(AppliedListener listener) {
        appliedListeners.remove(listener);
    }

    private void notifyApplied(AppliedListener listener, long zxid, Proposal p, Applied applied) {
        try {
            listener.applied(zxid, p, applied, state.tree());
        } catch (RuntimeException ex) {
            // A listener's bug must not stop the node from applying the log.
            LOG.error("applied-entry listener {} failed at zxid 0x{}", listener, Long.toHexString(zxid), ex);
        }
    }

    private void sessionEnded(long sid, Proposal p) {
        sessions.ended(sid);
        SessionOwner owner = owners.remove(sid);
        // A client that asked to close is answered and closes itself; anyone else still holding
        // the session (expiry, or a close from elsewhere) is cut off now.
        boolean closedByItsClient = p.command() instanceof Command.CloseSession c && !c.expired() && p.originServer() == selfId;
        if (owner != null && !closedByItsClient) owner.sessionClosed(sid);
    }

    /** Tree thread: the read barriers {@code ids} complete once this server has applied {@code index}. */
    void awaitApplied(long index, List<Long> ids) {
        readWaiters.computeIfAbsent(index, k -> new ArrayList<>()).addAll(ids);
        answerReadWaiters();
    }

    private void answerReadWaiters() {
        while (!readWaiters.isEmpty() && readWaiters.firstKey() <= lastApplied) {
            for (long id : readWaiters.pollFirstEntry().getValue()) pending.complete(id, new OpResult.None(), lastApplied);
        }
    }

    int pendingReadWaiters() {
        int n = 0;
        for (List<Long> ids : readWaiters.values()) n += ids.size();
        return n;
    }

    // ---- snapshots -------------------------------------------------------------------------------

    /** Before the threads start: the newest snapshot becomes the state. */
    void loadAtStart(SnapshotFile file) {
        load(file);
    }

    /** Tree thread: a snapshot received from the leader replaces the whole state. */
    void installReceived(SnapshotFile file) {
        long before = lastApplied;
        load(file);
        LOG.info("installed snapshot {} from the leader (state was at zxid 0x{}, is now at 0x{})", file, Long.toHexString(before),
                Long.toHexString(lastApplied));
        // Watches were set on a state that no longer exists; clients reconnect and replay them.
        publishStats();
        for (ServingListener l : listeners) l.stateReplaced();
        for (AppliedListener l : appliedListeners) {
            try {
                l.stateReplaced(state.tree(), lastApplied);
            } catch (RuntimeException ex) {
                LOG.error("applied-entry listener {} failed on a state replacement", l, ex);
            }
        }
        owners.clear();
    }

    private void load(SnapshotFile file) {
        try (DataInputStream in = new DataInputStream(new UnsyncBufferedInputStream(file.open(), 1 << 16))) {
            SnapshotCodec.Loaded loaded = SnapshotCodec.read(in);
            state = loaded.stateMachine();
            queries = new QueryEngine(state.tree(), watches, config.maxWatchesPerSession());
            lastAppliedTerm = loaded.lastAppliedTerm();
            lastApplied = state.lastApplied();
            snapshots.coveredBy(lastApplied);
            configs.stateLoaded(state);
            LOG.info("loaded snapshot {} ({} znodes, {} sessions)", file, state.tree().size(), state.sessions().size());
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot " + file + " passed its checksum but cannot be read: " + e.getMessage(), e);
        }
        answerReadWaiters();
    }
}
