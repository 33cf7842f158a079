package dev.meerkat.core.node;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.PeerMessage;
import dev.meerkat.core.cluster.PeerTransport;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.CommandCodec;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.raft.RaftMessage;
import dev.meerkat.core.raft.RaftNode;
import dev.meerkat.core.raft.ReadState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The log thread: the single owner of Raft and the log. It takes this server's client writes and
 * read barriers, and the peers' messages, from bounded inboxes; on the leader it stamps writes
 * with the leader's clock and proposes them; on a follower it forwards them to the leader (this is
 * where a forwarded write goes); it runs Raft's rounds (append, fsync, send: see
 * {@link RaftReplicator}) and hands committed entries to the tree thread.
 *
 * <p>Writes a follower forwards, and what became of them, are tied to a forwarding epoch; see
 * {@link PendingRequests}. Forwarded batches are numbered within an epoch so that the leader takes
 * them in order or not at all.
 */
final class LogDriver implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LogDriver.class);

    /** What this server's clients ask of the log thread. */
    sealed interface Submission {
        /** A write (or session command) to put in the log; {@code requestId} 0 when nobody awaits it. */
        record Write(long requestId, Command command) implements Submission {
        }

        /** A read barrier: answered once this server has applied everything committed before it. */
        record ReadBarrier(long requestId) implements Submission {
        }

        /** A client's reconfig, for the leader's {@link Reconfigurator}. */
        record Reconfig(long requestId, dev.meerkat.core.cluster.ReconfigSpec spec) implements Submission {
        }
    }

    /** A message from a peer. */
    record Incoming(long from, PeerMessage message) {
    }

    /**
     * A write waiting to be proposed (leader) or forwarded (follower). A write of this server's
     * clients taken while leading is already in its log form with a blank header ({@code command}
     * starts at {@link CommandCodec#HEADER_BYTES}); a forwarded one is the bare command.
     */
    private record Outgoing(long origin, long requestId, byte[] bytes, int commandOffset) {
        /** The log form, stamped now: the same array when it has room for the header. */
        byte[] proposal(long time, long originServer) {
            if (commandOffset == 0) return CommandCodec.encodeProposal(time, originServer, requestId, bytes);
            CommandCodec.stampHeader(bytes, time, originServer, requestId);
            return bytes;
        }

        /** The command alone, as a follower forwards it. */
        byte[] command() {
            return commandOffset == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, commandOffset, bytes.length);
        }
    }

    /** On the leader: where each follower's forwarded batches have got to. */
    private record Intake(long epoch, long nextSeq) {
    }

    private final NodeConfig config;
    private final ClusterConfig cluster;
    private final long selfId;
    private final LogStore log;
    private final RaftReplicator replicator;
    private final RaftNode raft;
    private final PeerTransport transport;
    private final PendingRequests pending;
    private final ApplyLoop apply;
    private final Consumer<Boolean> servingChanged;
    private final ConfigTracker configs;
    private final Reconfigurator reconfigurator;
    private final LeadershipTransfers transfers = new LeadershipTransfers();
    /** The log thread's buffer for encoding its clients' writes; made on that thread, in {@link #run}. */
    private CommandCodec.Scratch scratch;

    final Inbox<Submission> submissions;
    final Inbox<Incoming> peerInbox;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    // Log thread only.
    private final ArrayDeque<Outgoing> unsent = new ArrayDeque<>();
    private final List<Long> unsentReads = new ArrayList<>();
    private final Map<Long, List<Long>> readBatches = new HashMap<>();
    private final Map<Long, Intake> intake = new HashMap<>();
    /** High 32 bits: this run of the server; low 32 bits: a counter. Compared only within a run. */
    private long forwardEpoch = ((long) ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE)) << 32;
    private long forwardSeq;
    private long nextReadBatch;
    private long lastTerm = -1;
    private long lastLeader = -1;
    private long leaderlessSinceNanos;
    private boolean serving;
    private long lastStampedTime;
    private final int maxUnsent;
    private java.util.concurrent.CompletableFuture<Void> leadershipGone;

    private volatile ClusterStatus status;
    private volatile boolean running = true;
    private volatile Thread thread;

    LogDriver(NodeConfig config, ClusterConfig cluster, LogStore log, RaftReplicator replicator, PeerTransport transport,
              PendingRequests pending, ApplyLoop apply, ConfigTracker configs, Consumer<Boolean> servingChanged) {
        this.configs = configs;
        this.config = config;
        this.cluster = cluster;
        this.selfId = cluster.myId();
        this.log = log;
        this.replicator = replicator;
        this.raft = replicator.raft();
        this.transport = transport;
        this.pending = pending;
        this.apply = apply;
        this.servingChanged = servingChanged;
        this.submissions = new Inbox<>(config.inboxCapacity());
        this.peerInbox = new Inbox<>(config.inboxCapacity(), submissions);
        this.maxUnsent = 4 * config.maxBatch();
        this.status = ClusterStatus.starting(selfId);
        this.reconfigurator = new Reconfigurator(selfId, raft, transport, configs, apply::lastApplied,
                (id, code) -> apply.offerTask(() -> pending.fail(id, code, apply.lastApplied())), pending::isWaiting,
                cluster.reconfigEnabled(), cluster.catchUpMs(), config.electionTimeoutMs());
    }

    void bind(Thread t) {
        thread = t;
        submissions.bindConsumer(t);
        peerInbox.bindConsumer(t);
    }

    ClusterStatus status() {
        return status;
    }

    /** Any thread: work for the log thread (it owns the log and Raft). */
    void runOnLogThread(Runnable task) {
        tasks.add(task);
        submissions.wake();
    }

    void stop() {
        running = false;
        submissions.wake();
    }

    // ---- the loop ------------------------------------------------------------------------------

    @Override
    public void run() {
        List<Submission> taken = new ArrayList<>(config.maxBatch());
        scratch = new CommandCodec.Scratch();
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(config.raftTickMs());
        long nextTick = System.nanoTime() + tickNanos;
        observeLeadership(System.nanoTime());
        while (running) {
            boolean worked = peerInbox.drain(this::onPeerMessage, config.maxBatch()) > 0;
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
                worked = true;
            }
            if (unsent.size() < maxUnsent) {
                taken.clear();
                submissions.drain(taken::add, Math.min(config.maxBatch(), maxUnsent - unsent.size()));
                for (Submission s : taken) accept(s);
                worked |= !taken.isEmpty();
            }
            worked |= route();
            reconfigurator.step(System.nanoTime());
            RaftReplicator.Output out = replicator.process();
            if (!out.committed().isEmpty()) apply.offerCommitted(out.committed());
            if (!out.reads().isEmpty()) answerReads(out.reads());
            worked |= !out.isEmpty();
            long now = System.nanoTime();
            observeLeadership(now);
            if (now >= nextTick) {
                raft.tick();
                nextTick = now + tickNanos;
                transfers.sweep();
                publishStatus();
            }
            if (!worked) submissions.idle(nextTick - now, peerInbox);
        }
    }

    private void accept(Submission s) {
        if (!serving) {
            // Lost the quorum: nothing can commit; clients must go to a server that has it.
            long id = s instanceof Submission.Write w ? w.requestId()
                    : s instanceof Submission.ReadBarrier r ? r.requestId() : ((Submission.Reconfig) s).requestId();
            if (id != 0) apply.offerTask(() -> pending.fail(id, ErrorCode.CONNECTION_LOSS, apply.lastApplied()));
            return;
        }
        if (s instanceof Submission.Write w) {
            byte[] command;
            // One answer for both the form and its offset: the log form with header room when leading.
            int commandOffset = raft.isLeader() ? CommandCodec.HEADER_BYTES : 0;
            try {
                command = commandOffset > 0 ? CommandCodec.encodeWithRoomForHeader(w.command(), scratch) : CommandCodec.encodeCommand(w.command());
            } catch (RuntimeException e) {
                // One client's malformed command must not stop the log thread (and with it the node).
                LOG.error("a write that cannot be encoded for the log is refused: {}", w.command(), e);
                if (w.requestId() != 0) apply.offerTask(() -> pending.fail(w.requestId(), ErrorCode.MARSHALLING_ERROR, apply.lastApplied()));
                return;
            }
            unsent.add(new Outgoing(selfId, w.requestId(), command, commandOffset));
        } else if (s instanceof Submission.ReadBarrier r) {
            unsentReads.add(r.requestId());
        } else if (s instanceof Submission.Reconfig r) {
            reconfigurator.submitLocal(r.requestId(), r.spec(), System.nanoTime());
        }
    }

    /** Proposes (leader) or forwards (follower) what waits; returns whether anything moved. */
    private boolean route() {
        boolean moved = false;
        if (raft.isLeader()) {
            moved = proposeUnsent();
        } else if (raft.leaderId() != 0) {
            moved = forwardUnsent(raft.leaderId());
        }
        if (!unsentReads.isEmpty() && (raft.isLeader() || raft.leaderId() != 0)) {
            long batch = ++nextReadBatch;
            if (raft.readIndex(batch)) {
                List<Long> ids = new ArrayList<>(unsentReads);
                unsentReads.clear();
                for (long id : ids) pending.markSent(id, forwardEpoch);
                readBatches.put(batch, ids);
                moved = true;
            }
        }
        return moved;
    }

    private boolean proposeUnsent() {
        if (unsent.isEmpty()) return false;
        // The leader's clock, kept monotonic, is the only time apply ever sees.
        long now = Math.max(System.currentTimeMillis(), lastStampedTime);
        lastStampedTime = now;
        int n = Math.min(unsent.size(), config.maxBatch());
        List<byte[]> batch = new ArrayList<>(n);
        int i = 0;
        for (Outgoing o : unsent) {
            if (i++ == n) break;
            batch.add(o.proposal(now, o.requestId() == 0 ? 0 : o.origin()));
        }
        // Raft refuses beyond its bound of uncommitted entries: the rest wait for the next round.
        int accepted = replicator.propose(batch);
        for (int k = 0; k < accepted; k++) {
            Outgoing o = unsent.poll();
            if (o.origin() == selfId && o.requestId() != 0) pending.markSent(o.requestId(), forwardEpoch);
        }
        return accepted > 0;
    }

    private boolean forwardUnsent(long leader) {
        if (unsent.isEmpty()) return false;
        int credit = config.maxForwardedInFlight() - pending.inFlight();
        int n = Math.min(Math.min(unsent.size(), config.maxBatch()), credit);
        if (n <= 0) return false;
        List<PeerMessage.ForwardedCommand> commands = new ArrayList<>(n);
        int i = 0;
        for (Outgoing o : unsent) {
            if (i++ == n) break;
            commands.add(new PeerMessage.ForwardedCommand(o.requestId(), o.command()));
        }
        // Not sent (the link is down or full): nothing is lost, it waits here for the next round.
        if (!transport.send(leader, new PeerMessage.ForwardBatch(forwardEpoch, forwardSeq, commands))) return false;
        forwardSeq++;
        for (int k = 0; k < n; k++) {
            Outgoing o = unsent.poll();
            if (o.requestId() != 0) pending.markSent(o.requestId(), forwardEpoch);
        }
        return true;
    }

    /** Writes other servers forwarded to us while we led, and that we can no longer propose. */
    private void refuseRemote() {
        Map<Long, List<Long>> byOrigin = new HashMap<>();
        unsent.removeIf(o -> {
            if (o.origin() == selfId) return false;
            byOrigin.computeIfAbsent(o.origin(), k -> new ArrayList<>()).add(o.requestId());
            return true;
        });
        byOrigin.forEach((origin, ids) -> transport.send(origin, new PeerMessage.ForwardRefused(0, toArray(ids))));
    }

    // ---- peers --------------------------------------------------------------------------------

    private void onPeerMessage(Incoming in) {
        PeerMessage m = in.message();
        if (m instanceof PeerMessage.Raft r) {
            raft.step(r.message());
        } else if (m instanceof PeerMessage.ForwardBatch b) {
            takeForwarded(in.from(), b);
        } else if (m instanceof PeerMessage.ForwardRefused f) {
            long[] ids = f.requestIds();
            apply.offerTask(() -> {
                for (long id : ids) pending.fail(id, ErrorCode.CONNECTION_LOSS, apply.lastApplied());
            });
            // Whatever we sent after those cannot be vouched for either.
            newForwardEpoch("the leader refused forwarded writes");
        } else if (m instanceof PeerMessage.TransferLeadership t) {
            // Counted where the operator asked, not here.
            long to = t.target() == 0 ? raft.bestTransferTarget() : t.target();
            if (raft.isLeader() && to != 0 && raft.transferLeadership(to)) {
                LOG.info("server {} hands leadership to server {} at server {}'s request", selfId, to, in.from());
            }
        } else if (m instanceof PeerMessage.ReconfigForward || m instanceof PeerMessage.ReconfigFailed
                || m instanceof PeerMessage.ReconfigMoved) {
            reconfigurator.onPeerMessage(in.from(), m, System.nanoTime());
        }
    }

    private void takeForwarded(long from, PeerMessage.ForwardBatch b) {
        if (!raft.isLeader()) {
            refuse(from, b, null);
            return;
        }
        Intake at = intake.get(from);
        boolean sameRun = at != null && (at.epoch() >>> 32) == (b.epoch() >>> 32);
        boolean inOrder = sameRun
                ? (b.epoch() == at.epoch() && b.seq() == at.nextSeq()) || (b.epoch() > at.epoch() && b.seq() == 0)
                : b.seq() == 0;
        if (!inOrder) {
            refuse(from, b, "batch " + b.seq() + " of epoch " + Long.toHexString(b.epoch()) + " out of order (expected "
                    + (at == null ? "a first batch" : at.nextSeq() + " of " + Long.toHexString(at.epoch())) + ")");
            return;
        }
        for (PeerMessage.ForwardedCommand c : b.commands()) {
            if (!CommandCodec.isWellFormedCommand(c.command())) {
                // Never put what we cannot read into the log: every replica would stop on it.
                refuse(from, b, "a malformed command");
                return;
            }
        }
        intake.put(from, new Intake(b.epoch(), b.seq() + 1));
        for (PeerMessage.ForwardedCommand c : b.commands()) unsent.add(new Outgoing(from, c.requestId(), c.command(), 0));
    }

    private void refuse(long from, PeerMessage.ForwardBatch b, String why) {
        if (why != null) LOG.warn("refusing writes forwarded by server {}: {}", from, why);
        long[] ids = new long[b.commands().size()];
        for (int i = 0; i < ids.length; i++) ids[i] = b.commands().get(i).requestId();
        transport.send(from, new PeerMessage.ForwardRefused(b.epoch(), ids));
    }

    /** The transport found {@code peer} unreachable (connection refused). Log thread. */
    void peerUnreachable(long peer) {
        raft.peerUnreachable(peer);
    }

    /** The link to {@code peer} broke: if it was our leader, what we forwarded on it may be lost. Log thread. */
    void linkReset(long peer) {
        if (peer == raft.leaderId() && !raft.isLeader()) newForwardEpoch("the link to leader " + peer + " broke");
    }

    // ---- reads --------------------------------------------------------------------------------

    private void answerReads(List<ReadState> reads) {
        for (ReadState rs : reads) {
            List<Long> ids = readBatches.remove(rs.requestId());
            if (ids != null) apply.offerTask(() -> apply.awaitApplied(rs.index(), ids));
        }
    }

    // ---- leadership ---------------------------------------------------------------------------

    private void observeLeadership(long nowNanos) {
        long term = raft.term();
        long leader = raft.leaderId();
        if (term != lastTerm || leader != lastLeader) {
            if (lastTerm >= 0) {
                if (leader != 0) {
                    LOG.info("server {}: {} is leader in term {}", selfId, leader == selfId ? "this server" : "server " + leader, term);
                }
                newForwardEpoch(leader == 0 ? "no leader in term " + term : "leader " + leader + " in term " + term);
            }
            if (raft.isLeader()) {
                intake.clear();
            } else {
                refuseRemote();
            }
            lastTerm = term;
            lastLeader = leader;
            reconfigurator.leadershipChanged(leader, term);
            if (leader != 0) transfers.leaderIs(leader, nowNanos);
            publishStatus();
            // Only now, so that whoever waited for the hand-over reads the new mode in status().
            if (!raft.isLeader() && leadershipGone != null) leadershipGone.complete(null);
        }
        // The applied configuration, not the newest in the log: a server being removed still answers
        // the requests it holds until its removal is committed and applied here.
        boolean member = configs.current().servers().containsKey(selfId) || cluster.isStandalone();
        if (!member) {
            // Removed from the ensemble by a reconfig: its clients belong with the servers that remain.
            if (serving) {
                LOG.warn("server {} is not a member of the ensemble (configuration version {}): it stops serving clients", selfId,
                        Long.toHexString(configs.current().version()));
                setServing(false);
            }
        } else if (leader != 0) {
            leaderlessSinceNanos = 0;
            if (!serving) setServing(true);
        } else {
            if (leaderlessSinceNanos == 0) leaderlessSinceNanos = nowNanos;
            if (serving && nowNanos - leaderlessSinceNanos > TimeUnit.MILLISECONDS.toNanos(config.leaderlessGraceMs())) {
                LOG.warn("server {} has had no leader for {} ms: it has lost the quorum and stops serving clients",
                        selfId, config.leaderlessGraceMs());
                setServing(false);
            }
        }
    }

    private void setServing(boolean now) {
        serving = now;
        if (!now) {
            List<Long> failed = new ArrayList<>();
            for (Outgoing o : unsent) if (o.origin() == selfId && o.requestId() != 0) failed.add(o.requestId());
            unsent.clear();
            failed.addAll(unsentReads);
            unsentReads.clear();
            newForwardEpoch("lost the quorum");
            apply.offerTask(() -> {
                for (long id : failed) pending.fail(id, ErrorCode.CONNECTION_LOSS, apply.lastApplied());
            });
        }
        publishStatus();
        servingChanged.accept(now);
    }

    /**
     * Ends the current forwarding epoch: every request that left this server in it and has not
     * been applied is failed with CONNECTIONLOSS (it may or may not be applied later; nobody will
     * be told it succeeded unless it was).
     */
    private void newForwardEpoch(String why) {
        forwardEpoch++;
        forwardSeq = 0;
        readBatches.clear();
        long epoch = forwardEpoch;
        if (pending.inFlight() > 0) LOG.debug("server {}: failing requests in flight: {}", selfId, why);
        apply.offerTask(() -> pending.failSentBefore(epoch, ErrorCode.CONNECTION_LOSS, apply.lastApplied()));
    }

    /**
     * An operator's request to move leadership (see {@link Node#transferLeadership}): this leader
     * hands over, or a follower asks the leader to. Log thread.
     */
    void transferLeadership(long target, java.util.concurrent.CompletableFuture<Long> done) {
        long leader = raft.isLeader() ? selfId : raft.leaderId();
        if (leader == 0) {
            refuseTransfer(done, new IllegalStateException("there is no leader now"));
            return;
        }
        if (target == leader) {
            done.complete(leader);
            return;
        }
        if (target != 0 && !raft.membership().isVoter(target)) {
            refuseTransfer(done, new IllegalArgumentException("server " + target + " is not a participant that can take over leadership"));
            return;
        }
        if (raft.isLeader()) {
            long to = target == 0 ? raft.bestTransferTarget() : target;
            if (to == 0 || !raft.transferLeadership(to)) {
                refuseTransfer(done, new IllegalArgumentException("server " + (target == 0 ? "(none)" : target)
                        + " is not a participant that can take over leadership"));
                return;
            }
            LOG.info("server {} hands leadership to server {} on request", selfId, to);
        } else if (!transport.send(leader, new PeerMessage.TransferLeadership(target))) {
            refuseTransfer(done, new IllegalStateException("cannot reach the leader, server " + leader));
            return;
        }
        transfers.requested(target, leader, done, System.nanoTime());
    }

    private void refuseTransfer(java.util.concurrent.CompletableFuture<Long> done, RuntimeException why) {
        transfers.refused();
        done.completeExceptionally(why);
    }

    LeadershipTransfers transfers() {
        return transfers;
    }

    /**
     * Leadership transfer before this server stops: to the most up-to-date voter; {@code gone}
     * completes once this server no longer leads. Log thread.
     */
    void handOverLeadership(java.util.concurrent.CompletableFuture<Void> gone) {
        long target = raft.bestTransferTarget();
        if (target == 0 || !raft.isLeader()) {
            gone.complete(null);
            return;
        }
        LOG.info("server {} hands leadership to server {} before stopping", selfId, target);
        raft.transferLeadership(target);
        leadershipGone = gone;
    }

    private void publishStatus() {
        String mode;
        if (cluster.isStandalone()) mode = "standalone";
        else if (raft.isLeader()) mode = "leader";
        else if (raft.leaderId() == 0 || !configs.current().servers().containsKey(selfId)) mode = "looking";
        else mode = raft.membership().isVoter(selfId) ? "follower" : "observer";
        List<ClusterStatus.PeerProgress> peers = new ArrayList<>();
        if (raft.isLeader()) {
            for (var peer : configs.current().servers().values()) {
                if (peer.id() == selfId) continue;
                long match = raft.matchIndexOf(peer.id());
                peers.add(new ClusterStatus.PeerProgress(peer.id(), match, Math.max(0, raft.lastIndex() - match),
                        raft.recentlyActive(peer.id()), peer.observer()));
            }
        }
        int syncs = unsentReads.size();
        for (List<Long> ids : readBatches.values()) syncs += ids.size();
        status = new ClusterStatus(mode, selfId, raft.term(), raft.leaderId(), raft.commitIndex(), raft.lastIndex(),
                serving, List.copyOf(peers), syncs);
    }

    private static long[] toArray(List<Long> ids) {
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    /** Lets the log drop entries a durable snapshot covers, keeping everything after {@code index}. */
    void compactTo(long index) {
        runOnLogThread(() -> {
            if (index > log.snapshotIndex() && index <= log.lastIndex()) log.compact(index);
        });
    }

    /** Raft messages go to their peer; a refused send is a lost message, which Raft tolerates. */
    static Consumer<RaftMessage> sender(PeerTransport transport) {
        return m -> transport.send(m.to(), new PeerMessage.Raft(m));
    }

    boolean isLogThread() {
        return Thread.currentThread() == thread;
    }
}
