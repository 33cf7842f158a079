package dev.meerkat.core.node;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.KeeperError;
import dev.meerkat.core.cluster.ConfigEntry;
import dev.meerkat.core.cluster.DynamicConfig;
import dev.meerkat.core.cluster.PeerMessage;
import dev.meerkat.core.cluster.PeerTransport;
import dev.meerkat.core.cluster.ReconfigSpec;
import dev.meerkat.core.cluster.ServerSpec;
import dev.meerkat.core.raft.Membership;
import dev.meerkat.core.raft.RaftNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * Where a reconfig goes: ZooKeeper's reconfig carried out as Raft single-server membership
 * changes, one at a time, on the leader's log thread.
 *
 * <p>A request from a client of this server goes to the leader (here, or forwarded). The leader
 * checks it as ZooKeeper does (one at a time: RECONFIG_INPROGRESS; {@code -from} must be the
 * current version: BADVERSION; a new configuration whose participants could not form a quorum:
 * NEWCONFIG_NO_QUORUM), then walks from the current configuration to the requested one:
 * <ol>
 *   <li>new addresses for servers whose role stays (no membership change);</li>
 *   <li>each new server joins as a non-voting learner (shown as an observer)...</li>
 *   <li>...and is promoted to participant once it has caught up, or once the catch-up time is up
 *       if the others still form a quorum without it (ZooKeeper too accepts a server that is down);</li>
 *   <li>demotions, then removals, each only while the rest still form a quorum;</li>
 *   <li>if the leader itself is to go, it hands its leadership to a server that stays and passes
 *       the rest of the request on to it.</li>
 * </ol>
 * Every step is a CONFIG entry whose servers are exactly its membership. Only the entry of the
 * last step is published as {@code /zookeeper/config}'s next version (one version per reconfig,
 * as in ZooKeeper); it names the waiting client's server, which answers when it applies it. A step that can no longer keep a quorum rolls the request
 * back and answers NEWCONFIG_NO_QUORUM.
 *
 * <p>The asking server keeps each request until it is answered; when the leader changes without
 * having said it hands over, the request fails with CONNECTIONLOSS, as a write in flight does.
 */
final class Reconfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(Reconfigurator.class);
    /** A learner this close to the leader's log counts as caught up. */
    private static final long CAUGHT_UP_ENTRIES = 1000;
    private static final long ORIGIN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long JOB_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(100);

    /** A request of this server's client, waiting for the leader's answer. */
    private static final class Awaiting {
        long leader;
        long term;
        boolean moved;
        final long deadlineNanos;

        Awaiting(long leader, long term, long deadlineNanos) {
            this.leader = leader;
            this.term = term;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /** The request the leader is carrying out. */
    private static final class Job {
        final long origin;
        final long requestId;
        final DynamicConfig original;
        final long acceptedNanos;
        final Map<Long, Long> learnerSinceNanos = new HashMap<>();
        DynamicConfig target;
        ErrorCode failWith;
        boolean proposedAny;
        long transferTo;
        long transferSinceNanos;
        long quorumWaitSinceNanos;

        Job(long origin, long requestId, DynamicConfig original, DynamicConfig target, long nowNanos) {
            this.origin = origin;
            this.requestId = requestId;
            this.original = original;
            this.target = target;
            this.acceptedNanos = nowNanos;
        }
    }

    private final long selfId;
    private final RaftNode raft;
    private final PeerTransport transport;
    private final ConfigTracker configs;
    private final LongSupplier lastApplied;
    private final BiConsumer<Long, ErrorCode> failLocal;
    private final LongPredicate stillWaiting;
    private final boolean dynamic;
    private final long catchUpNanos;
    private final long transferNanos;

    // Log thread only.
    private final Map<Long, Awaiting> awaiting = new TreeMap<>();
    private Job job;
    private long bootstrapTerm = -1;
    private long changesApplied;

    /**
     * @param failLocal    answers a request of this server's client with an error
     * @param stillWaiting whether a request of this server's client still waits (it may have been answered by apply)
     * @param dynamic      reconfigEnabled: the leader writes the configuration into the log
     * @param catchUpMs    how long a new server may take to catch up before it is promoted anyway
     */
    Reconfigurator(long selfId, RaftNode raft, PeerTransport transport, ConfigTracker configs, LongSupplier lastApplied,
                   BiConsumer<Long, ErrorCode> failLocal, LongPredicate stillWaiting, boolean dynamic, long catchUpMs,
                   long electionTimeoutMs) {
        this.selfId = selfId;
        this.raft = raft;
        this.transport = transport;
        this.configs = configs;
        this.lastApplied = lastApplied;
        this.failLocal = failLocal;
        this.stillWaiting = stillWaiting;
        this.dynamic = dynamic;
        this.catchUpNanos = TimeUnit.MILLISECONDS.toNanos(catchUpMs);
        this.transferNanos = TimeUnit.MILLISECONDS.toNanos(2 * electionTimeoutMs);
    }

    boolean inProgress() {
        return job != null;
    }

    // ---- the asking server ---------------------------------------------------------------------

    /** A reconfig from a client of this server. */
    void submitLocal(long requestId, ReconfigSpec spec, long nowNanos) {
        long leader = raft.isLeader() ? selfId : raft.leaderId();
        if (leader == 0) {
            failLocal.accept(requestId, ErrorCode.CONNECTION_LOSS);
            return;
        }
        awaiting.put(requestId, new Awaiting(leader, raft.term(), nowNanos + ORIGIN_WAIT_NANOS));
        if (leader == selfId) {
            ErrorCode refused = accept(selfId, requestId, spec, false, nowNanos);
            if (refused != null) answerFailure(selfId, requestId, refused);
        } else if (!transport.send(leader, new PeerMessage.ReconfigForward(selfId, requestId, spec.joiningServers(),
                spec.leavingServers(), spec.newMembers(), spec.fromVersion(), false))) {
            answerFailure(selfId, requestId, ErrorCode.CONNECTION_LOSS);
        }
    }

    void onPeerMessage(long from, PeerMessage m, long nowNanos) {
        if (m instanceof PeerMessage.ReconfigForward f) {
            ErrorCode refused = raft.isLeader()
                    ? accept(f.origin(), f.requestId(), new ReconfigSpec(f.joiningServers(), f.leavingServers(), f.newMembers(),
                    f.fromVersion()), f.continuation(), nowNanos)
                    : ErrorCode.CONNECTION_LOSS;
            if (refused != null) answerFailure(f.origin(), f.requestId(), refused);
        } else if (m instanceof PeerMessage.ReconfigFailed f) {
            if (awaiting.remove(f.requestId()) != null) failLocal.accept(f.requestId(), ErrorCode.of(f.errorCode()));
        } else if (m instanceof PeerMessage.ReconfigMoved r) {
            Awaiting a = awaiting.get(r.requestId());
            if (a != null) a.moved = true;
        }
    }

    /**
     * Leadership changed (a new term or a new leader). Requests sent to a leader that is gone fail,
     * unless that leader said it hands over; a leader that hands over passes its request on.
     */
    void leadershipChanged(long leader, long term) {
        if (leader != 0) {
            for (Iterator<Map.Entry<Long, Awaiting>> it = awaiting.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Awaiting> e = it.next();
                Awaiting a = e.getValue();
                if (a.leader == leader && a.term == term) continue;
                if (a.moved) {
                    a.moved = false;
                    a.leader = leader;
                    a.term = term;
                } else if (!(leader == selfId && job != null && job.requestId == e.getKey())) {
                    it.remove();
                    failLocal.accept(e.getKey(), ErrorCode.CONNECTION_LOSS);
                }
            }
        }
        if (job == null || raft.isLeader()) return;
        if (job.transferTo != 0) {
            if (leader == 0) return; // wait until the new leader is known
            Job j = job;
            job = null;
            LOG.info("reconfig: leadership went to server {}; it carries on towards {}", leader, j.target);
            if (!transport.send(leader, new PeerMessage.ReconfigForward(j.origin, j.requestId, null, null, j.target.serverLines(),
                    -1, true))) {
                answerFailure(j.origin, j.requestId, ErrorCode.CONNECTION_LOSS);
            }
            return;
        }
        LOG.warn("reconfig towards {} abandoned: this server lost its leadership", job.target);
        Job j = job;
        job = null;
        answerFailure(j.origin, j.requestId, ErrorCode.CONNECTION_LOSS);
    }

    // ---- the leader ------------------------------------------------------------------------------

    /** Checks a request as ZooKeeper's leader does; null when taken on. */
    private ErrorCode accept(long origin, long requestId, ReconfigSpec spec, boolean continuation, long nowNanos) {
        if (!dynamic) return ErrorCode.RECONFIG_DISABLED;
        // A job whose last step is applied has answered its client already; step() may not have
        // cleared it yet, and the next request must not see it as in progress.
        if (job != null && job.transferTo == 0 && lastStepApplied() && succeeded(configs.current())) job = null;
        if (job != null) return ErrorCode.RECONFIG_IN_PROGRESS;
        if (!continuation && raft.configIndex() > raft.commitIndex()) return ErrorCode.RECONFIG_IN_PROGRESS;
        DynamicConfig current = configs.current();
        if (!continuation && spec.fromVersion() != -1 && spec.fromVersion() != configs.published().version()) return ErrorCode.BAD_VERSION;
        DynamicConfig target;
        try {
            target = spec.target(current);
        } catch (KeeperError e) {
            LOG.info("reconfig refused: {}", e.getMessage());
            return e.code();
        }
        if (!continuation && !quorumPossible(target)) {
            LOG.info("reconfig to {} refused: its participants that this leader can reach are no quorum", target);
            return ErrorCode.NEW_CONFIG_NO_QUORUM;
        }
        job = new Job(origin, requestId, current, target, nowNanos);
        LOG.info("reconfig from server {}: {} -> {}", origin, current, target);
        return null;
    }

    /** Whether the participants of {@code target} that are alive now could form its quorum. */
    private boolean quorumPossible(DynamicConfig target) {
        Membership m = target.membership();
        int alive = 0;
        for (long v : m.voters()) {
            if (v == selfId || raft.heardWithin(v, raft.electionTicks()) || transport.hasInbound(v)) alive++;
        }
        return alive >= m.quorum();
    }

    /** Whether {@code m}'s voters that answered lately form its quorum. */
    private boolean quorumActive(Membership m) {
        int alive = 0;
        for (long v : m.voters()) if (raft.heardWithin(v, raft.electionTicks())) alive++;
        return alive >= m.quorum();
    }

    /** Log thread, every round: takes the next step when the last one has been applied. */
    void step(long nowNanos) {
        if (!awaiting.isEmpty()) expireAwaiting(nowNanos);
        if (!raft.isLeader()) return;
        if (job == null) {
            bootstrap();
            return;
        }
        if (job.transferTo != 0) {
            if (nowNanos - job.transferSinceNanos > transferNanos) {
                LOG.warn("reconfig: server {} did not take over leadership in time", job.transferTo);
                finish(ErrorCode.CONNECTION_LOSS);
            }
            return;
        }
        if (!raft.configChangeAllowed() || !lastStepApplied()) return;
        if (nowNanos - job.acceptedNanos > JOB_LIMIT_NANOS) {
            LOG.warn("reconfig towards {} gave up after {} s, at {}", job.target, TimeUnit.NANOSECONDS.toSeconds(JOB_LIMIT_NANOS), configs.current());
            finish(job.failWith != null ? job.failWith : ErrorCode.NEW_CONFIG_NO_QUORUM);
            return;
        }
        DynamicConfig current = configs.current();
        if (current.sameServers(job.target)) {
            if (succeeded(current)) {
                job = null; // the last step answered the client when it was applied
                return;
            }
            if (job.failWith != null) {
                finish(job.failWith);
                return;
            }
            // Nothing to change: ZooKeeper still makes a new version of the same configuration.
            propose(current, true);
            return;
        }
        planAndPropose(current, nowNanos);
    }

    /** Whether the last step proposed has been applied here (the next may be planned). */
    private boolean lastStepApplied() {
        return lastApplied.getAsLong() >= raft.configIndex();
    }

    /** Whether the job reached its target by its own steps: its last one answered the client. */
    private boolean succeeded(DynamicConfig current) {
        return job.proposedAny && job.failWith == null && current.sameServers(job.target);
    }

    private void planAndPropose(DynamicConfig current, long nowNanos) {
        Map<Long, ServerSpec> cur = current.servers();
        Map<Long, ServerSpec> target = job.target.servers();
        // 1. New addresses (or client ports) for servers whose role stays: no membership change.
        Map<Long, ServerSpec> moved = new TreeMap<>(cur);
        boolean anyMoved = false;
        for (Map.Entry<Long, ServerSpec> e : target.entrySet()) {
            ServerSpec was = cur.get(e.getKey());
            if (was != null && !was.equals(e.getValue()) && was.observer() == e.getValue().observer()) {
                moved.put(e.getKey(), e.getValue());
                anyMoved = true;
            }
        }
        if (anyMoved) {
            propose(new DynamicConfig(moved, 0), false);
            return;
        }
        // 2. A new server joins as a learner.
        for (Map.Entry<Long, ServerSpec> e : target.entrySet()) {
            if (!cur.containsKey(e.getKey())) {
                Map<Long, ServerSpec> next = new TreeMap<>(cur);
                next.put(e.getKey(), e.getValue().withRole(true));
                job.learnerSinceNanos.put(e.getKey(), nowNanos);
                propose(new DynamicConfig(next, 0), false);
                return;
            }
        }
        // 3. A learner becomes a participant once caught up (or its time is up).
        for (Map.Entry<Long, ServerSpec> e : target.entrySet()) {
            long id = e.getKey();
            if (cur.get(id).observer() && !e.getValue().observer()) {
                long since = job.learnerSinceNanos.getOrDefault(id, job.acceptedNanos);
                boolean caughtUp = raft.heardWithin(id, raft.electionTicks())
                        && raft.lastIndex() - raft.matchIndexOf(id) <= CAUGHT_UP_ENTRIES;
                if (!caughtUp && nowNanos - since < catchUpNanos) return; // wait
                Map<Long, ServerSpec> next = new TreeMap<>(cur);
                next.put(id, e.getValue());
                proposeIfQuorum(new DynamicConfig(next, 0), "promoting server " + id, nowNanos);
                return;
            }
        }
        // 4. A participant becomes an observer (not this leader: it hands over first).
        for (Map.Entry<Long, ServerSpec> e : target.entrySet()) {
            long id = e.getKey();
            if (id != selfId && !cur.get(id).observer() && e.getValue().observer()) {
                Map<Long, ServerSpec> next = new TreeMap<>(cur);
                next.put(id, e.getValue());
                proposeIfQuorum(new DynamicConfig(next, 0), "demoting server " + id, nowNanos);
                return;
            }
        }
        // 5. A server leaves (not this leader).
        for (ServerSpec s : cur.values()) {
            if (s.id() != selfId && !target.containsKey(s.id())) {
                Map<Long, ServerSpec> next = new TreeMap<>(cur);
                next.remove(s.id());
                if (s.observer()) propose(new DynamicConfig(next, 0), false);
                else proposeIfQuorum(new DynamicConfig(next, 0), "removing server " + s.id(), nowNanos);
                return;
            }
        }
        // 6. Only this leader's own removal or demotion is left: hand leadership to one who stays.
        long to = transferTarget();
        if (to == 0) {
            refuseStep("no participant that stays is up to take over leadership");
            return;
        }
        LOG.info("reconfig: this server (server {}) is to leave the participants; handing leadership to server {} first", selfId, to);
        job.transferTo = to;
        job.transferSinceNanos = nowNanos;
        if (job.origin == selfId) {
            Awaiting a = awaiting.get(job.requestId);
            if (a != null) a.moved = true;
        } else {
            transport.send(job.origin, new PeerMessage.ReconfigMoved(job.requestId));
        }
        raft.transferLeadership(to);
    }

    private long transferTarget() {
        long best = 0;
        long bestMatch = -1;
        for (long v : raft.membership().voters()) {
            if (v == selfId || !job.target.isVoter(v) || !raft.heardWithin(v, raft.electionTicks())) continue;
            long match = raft.matchIndexOf(v);
            if (match > bestMatch) {
                best = v;
                bestMatch = match;
            }
        }
        return best;
    }

    private void proposeIfQuorum(DynamicConfig next, String what, long nowNanos) {
        if (!quorumActive(next.membership())) {
            // A leader that has just taken over (a hand-over mid-request) has not heard from every
            // follower yet: give them two election timeouts before calling the step impossible.
            if (job.quorumWaitSinceNanos == 0) job.quorumWaitSinceNanos = nowNanos;
            if (nowNanos - job.quorumWaitSinceNanos < transferNanos) return;
            job.quorumWaitSinceNanos = 0;
            refuseStep(what + " would leave " + next.membership() + " without a quorum of servers that answer");
            return;
        }
        job.quorumWaitSinceNanos = 0;
        propose(next, false);
    }

    /** A step cannot be taken: roll back to where the request started, then answer NEWCONFIG_NO_QUORUM. */
    private void refuseStep(String why) {
        if (job.failWith != null) {
            LOG.warn("reconfig: rolling back towards {} is stuck ({}); it stops at {}", job.original, why, configs.current());
            finish(job.failWith);
            return;
        }
        LOG.warn("reconfig towards {}: {}; rolling back to {}", job.target, why, job.original);
        job.failWith = ErrorCode.NEW_CONFIG_NO_QUORUM;
        job.target = job.original;
    }

    private void propose(DynamicConfig next, boolean restate) {
        boolean last = job.failWith == null && (restate || next.sameServers(job.target));
        ConfigEntry entry = new ConfigEntry(next, System.currentTimeMillis(), last ? job.origin : 0, last ? job.requestId : 0, last);
        if (raft.proposeConfig(entry.encode())) {
            job.proposedAny = true;
            changesApplied++;
            LOG.info("reconfig step at zxid 0x{}: {}", Long.toHexString(raft.lastIndex()), next.serverLines().strip().replace('\n', ' '));
        }
    }

    private void finish(ErrorCode code) {
        Job j = job;
        job = null;
        answerFailure(j.origin, j.requestId, code);
    }

    private void answerFailure(long origin, long requestId, ErrorCode code) {
        if (origin == selfId) {
            if (awaiting.remove(requestId) != null) failLocal.accept(requestId, code);
        } else {
            transport.send(origin, new PeerMessage.ReconfigFailed(requestId, code.code()));
        }
    }

    /**
     * With reconfig on, the first leader of an ensemble whose log holds no configuration yet writes
     * the one from its zoo.cfg into the log: from then on the log is where the configuration lives
     * (ZooKeeper likewise gives it its first version when the first leader is established).
     */
    private void bootstrap() {
        if (!dynamic || configs.published().version() != 0 || bootstrapTerm == raft.term()) return;
        if (!raft.configChangeAllowed() || !lastStepApplied()) return;
        bootstrapTerm = raft.term();
        DynamicConfig fromFile = configs.current();
        if (!fromFile.membership().equals(raft.membership())) {
            LOG.warn("reconfig: the log's membership {} is not this server's zoo.cfg {}; not writing the configuration",
                    raft.membership(), fromFile);
            return;
        }
        ConfigEntry entry = new ConfigEntry(fromFile, System.currentTimeMillis(), 0, 0, true);
        if (raft.proposeConfig(entry.encode())) {
            LOG.info("reconfig enabled: the ensemble's configuration from zoo.cfg becomes version 0x{}", Long.toHexString(raft.lastIndex()));
        } else {
            bootstrapTerm = -1;
        }
    }

    private void expireAwaiting(long nowNanos) {
        for (Iterator<Map.Entry<Long, Awaiting>> it = awaiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Awaiting> e = it.next();
            if (!stillWaiting.test(e.getKey())) {
                it.remove();
            } else if (nowNanos > e.getValue().deadlineNanos) {
                it.remove();
                failLocal.accept(e.getKey(), ErrorCode.CONNECTION_LOSS);
            }
        }
    }

    /** How many configuration steps this server proposed as leader. */
    long stepsProposed() {
        return changesApplied;
    }
}
