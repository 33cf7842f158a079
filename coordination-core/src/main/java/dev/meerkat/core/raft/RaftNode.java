package dev.meerkat.core.raft;

import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogReader;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.raft.RaftMessage.AppendEntries;
import dev.meerkat.core.raft.RaftMessage.AppendResponse;
import dev.meerkat.core.raft.RaftMessage.Heartbeat;
import dev.meerkat.core.raft.RaftMessage.HeartbeatResponse;
import dev.meerkat.core.raft.RaftMessage.InstallSnapshotChunk;
import dev.meerkat.core.raft.RaftMessage.ReadIndexRequest;
import dev.meerkat.core.raft.RaftMessage.ReadIndexResponse;
import dev.meerkat.core.raft.RaftMessage.RequestVote;
import dev.meerkat.core.raft.RaftMessage.SnapshotResponse;
import dev.meerkat.core.raft.RaftMessage.TimeoutNow;
import dev.meerkat.core.raft.RaftMessage.VoteResponse;
import dev.meerkat.core.raft.SnapshotSource.SnapshotMeta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * One Raft participant as a pure, deterministic state machine, in the style of etcd's raft
 * library. Inputs: {@link #tick()}, {@link #step(RaftMessage)}, {@link #propose(byte[])} and the
 * other requests. Output: a {@link Ready} that the caller persists, sends and applies before
 * calling {@link #advance(Ready)}. No threads, clock, I/O or randomness inside except the
 * {@link RandomGenerator} handed in, so a seeded simulation replays exactly.
 *
 * <p>Not thread-safe: one thread drives a node.
 */
public final class RaftNode {

    private enum VoteResult { WON, LOST, PENDING }

    private final RaftConfig cfg;
    private final long id;
    private final RaftBugs bugs;
    private final SnapshotSource snapshots;
    private final RandomGenerator random;
    private final RaftLog log;
    private final ConfigHistory configs;

    private long term;
    private long vote;
    private long leader;
    private RaftRole role = RaftRole.FOLLOWER;

    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    /** Ticks until this follower campaigns after its leader was found unreachable (0 = none pending). */
    private int fastCampaignInTicks;

    /** TreeMap, not HashMap: iteration order decides message order, which must be deterministic. */
    private final Map<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new HashMap<>();
    private long leadTransferee;
    /** Proposals or a commit advance since the last Ready: followers need an append. */
    private boolean pendingBroadcast;

    private final ReadOnlyQueue readOnly = new ReadOnlyQueue();
    /** Reads that arrived before this leader committed an entry of its own term (until then its commit index may be stale). */
    private final List<long[]> readsAwaitingCommit = new ArrayList<>();

    private List<RaftMessage> msgs = new ArrayList<>();
    private List<SnapshotChunk> chunksToPersist = new ArrayList<>();
    private List<ReadState> readStates = new ArrayList<>();
    private HardState prevHardState;
    private SnapshotReceiver receiving;

    /** Reads the hard state from {@code persistedLog} when it is a {@link LogStore}. */
    public RaftNode(RaftConfig config, LogReader persistedLog, SnapshotSource snapshots, RandomGenerator random) {
        this(config, persistedLog, persistedLog instanceof LogStore s ? s.hardState() : HardState.INITIAL, snapshots, random);
    }

    public RaftNode(RaftConfig config, LogReader persistedLog, HardState hardState, SnapshotSource snapshots,
                    RandomGenerator random) {
        this.cfg = config;
        this.id = config.selfId();
        this.bugs = config.bugs();
        this.snapshots = snapshots;
        this.random = random;

        SnapshotMeta snap = snapshots.latest();
        long logSnapshot = persistedLog.snapshotIndex();
        if (snap != null && snap.index() >= logSnapshot) {
            configs = new ConfigHistory(snap.index(), snap.membership());
        } else if (logSnapshot > 0) {
            throw new IllegalStateException("log compacted to " + logSnapshot + " but no snapshot covers it");
        } else {
            configs = new ConfigHistory(0, config.initialMembership());
        }
        long applied = snap == null ? logSnapshot : Math.max(logSnapshot, snap.index());
        long commit = Math.max(hardState.commit(), applied);
        if (commit > persistedLog.lastIndex()) {
            throw new IllegalStateException("commit/snapshot index " + commit + " beyond the persisted log's last index "
                    + persistedLog.lastIndex() + ": install the snapshot into the log (resetToSnapshot) before starting");
        }
        // The membership in force is the newest CONFIG entry in the log, committed or not.
        long scanFrom = Math.max(persistedLog.firstIndex(), configs.currentIndex() + 1);
        for (long i = scanFrom; i <= persistedLog.lastIndex(); ) {
            List<LogEntry> batch = persistedLog.entries(i, persistedLog.lastIndex() + 1, 4L << 20);
            for (LogEntry e : batch) {
                if (e.kind() == EntryKind.CONFIG) configs.append(e.index(), Membership.decode(e.data()));
            }
            i += batch.size();
        }
        configs.committedTo(commit);
        this.log = new RaftLog(persistedLog, commit, applied, this::onAppend);
        this.term = hardState.term();
        this.vote = hardState.votedFor();
        this.prevHardState = new HardState(term, bugs.forgetVoteOnRestart() ? 0 : vote, commit);
        reset(term);
        role = RaftRole.FOLLOWER;
    }

    // ------------------------------------------------------------------ queries

    public long id() { return id; }
    public long leaderId() { return leader; }
    public boolean isLeader() { return role == RaftRole.LEADER; }
    public long term() { return term; }
    public long votedFor() { return vote; }
    public RaftRole role() { return role; }
    /** The membership in force: the newest CONFIG entry in this node's log. */
    public Membership membership() { return configs.current(); }
    public long commitIndex() { return log.committed; }
    public long appliedIndex() { return log.applied; }
    public long lastIndex() { return log.lastIndex(); }
    /** Term of the entry at {@code index}, or -1 when this node does not have it (compacted or beyond). */
    public long termAt(long index) { return log.term(index); }
    public long leadTransferee() { return leadTransferee; }

    Progress progressOf(long node) { return progress.get(node); }

    /** On the leader: the last index {@code node} is known to hold, or -1 when unknown (not leader, not a member). */
    public long matchIndexOf(long node) {
        Progress pr = role == RaftRole.LEADER ? progress.get(node) : null;
        return pr == null ? -1 : pr.match;
    }

    /** On the leader: whether {@code node} answered within the current check-quorum window. */
    public boolean recentlyActive(long node) {
        Progress pr = role == RaftRole.LEADER ? progress.get(node) : null;
        return pr != null && (node == id || pr.recentActive);
    }

    /**
     * On the leader: whether {@code node} answered within the last {@code ticks} ticks (itself:
     * always). Unlike {@link #recentlyActive} this does not depend on where in the check-quorum
     * window the question falls.
     */
    public boolean heardWithin(long node, int ticks) {
        if (node == id) return role == RaftRole.LEADER;
        Progress pr = role == RaftRole.LEADER ? progress.get(node) : null;
        return pr != null && pr.silentTicks <= ticks;
    }

    /** The election timeout in ticks. */
    public int electionTicks() {
        return cfg.electionTick();
    }

    /** On the leader: the voter (other than itself) whose log is longest, the best to hand leadership to; 0 if none. */
    public long bestTransferTarget() {
        if (role != RaftRole.LEADER) return 0;
        long best = 0;
        long bestMatch = -1;
        for (long v : membership().voters()) {
            Progress pr = progress.get(v);
            if (v == id || pr == null) continue;
            if (pr.match > bestMatch || (pr.match == bestMatch && pr.recentActive)) {
                best = v;
                bestMatch = pr.match;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ inputs

    /** Advances logical time by one tick. */
    public void tick() {
        if (role == RaftRole.LEADER) tickHeartbeat();
        else tickElection();
    }

    /** Starts an election now (with a pre-vote round first when configured). */
    public void campaign() {
        if (role == RaftRole.LEADER || !promotable()) return;
        if (cfg.preVote()) campaignPreVote();
        else campaignElection(false);
    }

    /**
     * Appends a command; false when this node cannot accept it: not leader, transferring
     * leadership, or {@link RaftConfig#maxUncommittedEntries()} entries already wait for commit.
     */
    public boolean propose(byte[] command) {
        return appendNew(EntryKind.COMMAND, command);
    }

    /**
     * Proposes one membership step. Refused (false) while another change is uncommitted, before this
     * leader committed an entry of its own term (the fix for the single-server-change bug), for
     * changes that make no sense, and for the leader removing or demoting itself (transfer
     * leadership first).
     */
    public boolean proposeConfigChange(ConfigChange change) {
        if (role != RaftRole.LEADER || leadTransferee != 0) return false;
        if (!committedEntryInCurrentTerm() || configs.currentIndex() > log.committed) return false;
        Membership next = membership().apply(change);
        if (next == null || !next.isVoter(id)) return false;
        return appendNew(EntryKind.CONFIG, next.encode());
    }

    /**
     * Proposes a CONFIG entry whose data begins with the encoded next membership (the caller may
     * append more: Raft reads only the head). The same rules as {@link #proposeConfigChange}, and
     * the next membership may differ from the current one in one server's role at most (a server
     * added, removed, promoted or demoted), so that any two consecutive memberships share a
     * majority; an equal membership restates the configuration (new addresses, say).
     */
    public boolean proposeConfig(byte[] data) {
        if (!configChangeAllowed()) return false;
        Membership next = Membership.decode(data);
        if (!next.isVoter(id) || serversChanged(membership(), next) > 1) return false;
        return appendNew(EntryKind.CONFIG, data);
    }

    /** Whether this leader may propose a membership change now (none uncommitted, its term has a committed entry). */
    public boolean configChangeAllowed() {
        return role == RaftRole.LEADER && leadTransferee == 0 && committedEntryInCurrentTerm()
                && configs.currentIndex() <= log.committed;
    }

    /** Index of the newest CONFIG entry in the log, committed or not (or of the snapshot that holds the membership). */
    public long configIndex() {
        return configs.currentIndex();
    }

    static int serversChanged(Membership a, Membership b) {
        java.util.Set<Long> all = new java.util.TreeSet<>(a.voters());
        all.addAll(a.learners());
        all.addAll(b.voters());
        all.addAll(b.learners());
        int changed = 0;
        for (long s : all) {
            if (a.isVoter(s) != b.isVoter(s) || a.isLearner(s) != b.isLearner(s)) changed++;
        }
        return changed;
    }

    /**
     * Asks for a linearizable read point. The answer arrives as a {@link ReadState} in a later
     * Ready: on the leader once a quorum confirmed its leadership (or at once under a valid lease),
     * on a follower once the leader answered the forwarded request. False when no leader is known;
     * a request may also go unanswered (lost message, leader change): callers time out and retry.
     */
    public boolean readIndex(long requestId) {
        if (role == RaftRole.LEADER) {
            handleReadIndex(requestId, id);
            return true;
        }
        if (leader != 0) {
            send(new ReadIndexRequest(id, leader, term, requestId));
            return true;
        }
        return false;
    }

    /**
     * Hands leadership to {@code target}: brings its log up to date, then tells it to campaign at
     * once. Proposals are refused meanwhile; the attempt is abandoned after an election timeout.
     */
    public boolean transferLeadership(long target) {
        if (role != RaftRole.LEADER || target == id || !membership().isVoter(target)) return false;
        if (leadTransferee == target) return true;
        leadTransferee = target;
        electionElapsed = 0;
        Progress pr = progress.get(target);
        if (pr.match == log.lastIndex()) send(new TimeoutNow(id, target, term));
        else sendAppend(target, true);
        return true;
    }

    /**
     * The transport could not reach {@code peer} at all (connection refused or reset): when that is
     * our leader, it has most likely died, so campaign at once (with a pre-vote, when configured)
     * instead of waiting out the election timeout. Harmless when the leader is in fact alive: the
     * other voters, still hearing from it, refuse the pre-vote and nothing changes.
     */
    public void peerUnreachable(long peer) {
        if (role != RaftRole.FOLLOWER || peer == id || leader != peer) return;
        if (!promotable()) {
            leader = 0; // a learner waits for the next leader to speak
            return;
        }
        leader = 0;
        electionElapsed = 0;
        // Every follower sees the dead leader at about the same moment; were they all to campaign
        // at once they would split the vote. They take turns instead, in id order, two ticks apart.
        int rank = 0;
        for (long v : membership().voters()) {
            if (v != peer && v < id) rank++;
        }
        if (rank == 0) campaign();
        else fastCampaignInTicks = 2 * rank;
    }

    public void step(RaftMessage m) {
        if (m.to() != id || m.from() == id || m.from() <= 0) return;
        if (m.term() > term) {
            if (m instanceof RequestVote v && !v.transfer() && inLease()) {
                // Leader stickiness: we heard from a live leader recently, so whoever campaigns is
                // probably just cut off. Ignoring it (without even raising our term) keeps it from
                // deposing a healthy leader.
                return;
            }
            if (m instanceof RequestVote v && v.preVote()) {
                // A pre-vote never changes anyone's term.
            } else if (m instanceof VoteResponse r && r.preVote() && r.granted()) {
                // A granted pre-vote carries the term we are about to campaign for.
            } else if (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshotChunk) {
                becomeFollower(m.term(), m.from());
            } else {
                becomeFollower(m.term(), 0);
            }
        } else if (m.term() < term) {
            if ((cfg.checkQuorum() || cfg.preVote()) && (m instanceof AppendEntries || m instanceof Heartbeat)) {
                // A stale leader (cut off while we moved on) learns our term from this and steps down;
                // without it, with pre-vote, it might never hear a higher term.
                send(new AppendResponse(id, m.from(), term, 0, false, 0, 0));
            } else if (m instanceof RequestVote v) {
                // Tell a candidate that fell behind in terms where we are (Raft §5.1). Otherwise a
                // voter it needs, busy with futile campaigns of its own, may stay ahead of it forever.
                send(new VoteResponse(id, m.from(), term, v.preVote(), false));
            }
            return;
        }
        if (m instanceof RequestVote v) {
            handleVoteRequest(v);
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(m);
            case PRE_CANDIDATE, CANDIDATE -> stepCandidate(m);
            case FOLLOWER -> stepFollower(m);
        }
    }

    // ------------------------------------------------------------------ Ready / advance

    public boolean hasReady() {
        return (pendingBroadcast && role == RaftRole.LEADER)
                || !msgs.isEmpty()
                || !chunksToPersist.isEmpty()
                || !readStates.isEmpty()
                || log.hasUnstable()
                || log.pendingSnapshot() != null
                || !hardState().equals(prevHardState)
                || log.hasNextCommittedEntries();
    }

    /** Collects the work for the caller; see {@link Ready} for what to do with it, then call {@link #advance(Ready)}. */
    public Ready ready() {
        if (pendingBroadcast) {
            pendingBroadcast = false;
            if (role == RaftRole.LEADER) bcastAppend();
        }
        HardState hs = hardState();
        boolean hsChanged = !hs.equals(prevHardState);
        List<LogEntry> entries = log.unstableEntries();
        IncomingSnapshot snapshot = log.pendingSnapshot();
        boolean mustSync = !entries.isEmpty() || snapshot != null
                || hs.term() != prevHardState.term() || hs.votedFor() != prevHardState.votedFor();
        List<RaftMessage> out = msgs;
        msgs = new ArrayList<>();
        List<ReadState> reads = readStates;
        readStates = new ArrayList<>();
        List<SnapshotChunk> chunks = List.of();
        if (!chunksToPersist.isEmpty()) {
            chunks = chunksToPersist;
            chunksToPersist = new ArrayList<>();
        }
        return new Ready(hsChanged ? hs : null, entries, chunks, snapshot,
                log.nextCommittedEntries(cfg.maxCommittedBytesPerReady()), out, reads, mustSync);
    }

    /** The caller has done everything {@code ready} asked. */
    public void advance(Ready ready) {
        if (ready.hardState() != null) prevHardState = ready.hardState();
        if (ready.snapshot() != null) log.snapshotInstalled(ready.snapshot().index());
        if (!ready.entriesToPersist().isEmpty()) {
            LogEntry last = ready.entriesToPersist().get(ready.entriesToPersist().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        if (role == RaftRole.LEADER) {
            // The leader counts itself toward a quorum only for entries it has made durable.
            Progress self = progress.get(id);
            if (self != null && self.maybeUpdate(log.stableIndex()) && maybeCommit()) pendingBroadcast = true;
        }
        if (!ready.committedEntries().isEmpty()) {
            log.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
        }
    }

    private HardState hardState() {
        return new HardState(term, bugs.forgetVoteOnRestart() ? 0 : vote, log.committed);
    }

    // ------------------------------------------------------------------ roles

    private boolean promotable() {
        return membership().isVoter(id) && log.pendingSnapshot() == null;
    }

    /**
     * Heard from a leader within the election timeout. With check-quorum or pre-vote on, such a
     * node refuses (pre-)votes: a healthy leader exists, and the candidate is probably just a node
     * that was cut off.
     */
    private boolean inLease() {
        return (cfg.checkQuorum() || cfg.preVote()) && leader != 0 && electionElapsed < cfg.electionTick();
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = 0;
        }
        leader = 0;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        fastCampaignInTicks = 0;
        randomizedElectionTimeout = cfg.electionTick() + random.nextInt(cfg.electionTick());
        leadTransferee = 0;
        votes.clear();
        pendingBroadcast = false;
        readOnly.clear();
        readsAwaitingCommit.clear();
        progress.clear();
        Membership ms = membership();
        for (long v : ms.voters()) addProgress(v, false);
        for (long l : ms.learners()) addProgress(l, true);
    }

    private void addProgress(long node, boolean learner) {
        Progress pr = new Progress(log.lastIndex() + 1, cfg.maxInflightMessages(), learner);
        if (node == id) pr.match = log.stableIndex();
        progress.put(node, pr);
    }

    private void becomeFollower(long newTerm, long newLeader) {
        reset(newTerm);
        leader = newLeader;
        role = RaftRole.FOLLOWER;
    }

    private void becomePreCandidate() {
        // Neither term nor vote change: that is the point of a pre-vote.
        votes.clear();
        leader = 0;
        electionElapsed = 0;
        randomizedElectionTimeout = cfg.electionTick() + random.nextInt(cfg.electionTick());
        role = RaftRole.PRE_CANDIDATE;
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = RaftRole.CANDIDATE;
    }

    private void becomeLeader() {
        reset(term);
        leader = id;
        role = RaftRole.LEADER;
        Progress self = progress.get(id);
        self.becomeReplicate();
        self.recentActive = true;
        // A leader cannot know which earlier entries are committed until one of its own term is:
        // the no-op gets there at once instead of waiting for the next client write.
        appendNew(EntryKind.NOOP, new byte[0]);
        pendingBroadcast = false;
        bcastAppend();
    }

    private void campaignPreVote() {
        becomePreCandidate();
        if (poll(id, true) == VoteResult.WON) {
            campaignElection(false);
            return;
        }
        requestVotes(term + 1, true, false);
    }

    private void campaignElection(boolean transfer) {
        becomeCandidate();
        if (poll(id, true) == VoteResult.WON) {
            becomeLeader();
            return;
        }
        requestVotes(term, false, transfer);
    }

    private void requestVotes(long voteTerm, boolean preVote, boolean transfer) {
        long lastIndex = log.lastIndex();
        long lastTerm = log.lastTerm();
        for (long v : membership().voters()) {
            if (v != id) send(new RequestVote(id, v, voteTerm, lastIndex, lastTerm, preVote, transfer));
        }
    }

    private VoteResult poll(long from, boolean granted) {
        Membership ms = membership();
        if (!ms.isVoter(from)) return VoteResult.PENDING;
        votes.putIfAbsent(from, granted);
        int yes = 0;
        int no = 0;
        for (Map.Entry<Long, Boolean> e : votes.entrySet()) {
            if (!ms.isVoter(e.getKey())) continue;
            if (e.getValue()) yes++;
            else no++;
        }
        if (yes >= ms.quorum()) return VoteResult.WON;
        if (no > ms.voters().size() - ms.quorum()) return VoteResult.LOST;
        return VoteResult.PENDING;
    }

    // ------------------------------------------------------------------ ticks

    private void tickElection() {
        electionElapsed++;
        if (!promotable()) {
            // A learner never campaigns, but it must not go on believing in a leader it no longer
            // hears from: whoever relies on it (forwarding writes, serving clients) must know.
            if (leader != 0 && electionElapsed >= randomizedElectionTimeout) leader = 0;
            return;
        }
        if (fastCampaignInTicks > 0 && --fastCampaignInTicks == 0 && leader == 0 && role == RaftRole.FOLLOWER) {
            electionElapsed = 0;
            campaign();
            return;
        }
        boolean alone = membership().voters().size() == 1;
        if (alone || electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            campaign();
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        for (Progress pr : progress.values()) if (pr.silentTicks < Progress.NEVER_HEARD) pr.silentTicks++;
        progress.values().removeIf(pr -> pr.farewellTicks >= 0 && pr.farewellTicks-- == 0);
        if (electionElapsed >= cfg.electionTick()) {
            electionElapsed = 0;
            if (cfg.checkQuorum()) {
                if (!quorumActive()) {
                    // Check-quorum: a leader that cannot reach a majority steps down rather than
                    // keep accepting writes it can never commit.
                    becomeFollower(term, 0);
                    return;
                }
                for (Map.Entry<Long, Progress> e : progress.entrySet()) {
                    if (e.getKey() != id) e.getValue().recentActive = false;
                }
            }
            leadTransferee = 0;
        }
        int resendAfter = Math.max(2, 2 * cfg.heartbeatTick());
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            Progress pr = e.getValue();
            if (pr.state == Progress.State.SNAPSHOT && ++pr.ticksSinceSnapshotChunk >= resendAfter) {
                sendSnapshotChunk(e.getKey(), pr); // the chunk or its acknowledgement was lost
            }
        }
        if (heartbeatElapsed >= cfg.heartbeatTick()) {
            heartbeatElapsed = 0;
            bcastHeartbeat(readOnly.lastContext());
        }
    }

    private boolean quorumActive() {
        Membership ms = membership();
        int active = 0;
        for (long v : ms.voters()) {
            Progress pr = progress.get(v);
            if (v == id || (pr != null && pr.recentActive)) active++;
        }
        return active >= ms.quorum();
    }

    // ------------------------------------------------------------------ votes

    private void handleVoteRequest(RequestVote v) {
        // We may vote for whom we already voted for, for anyone if we have neither voted nor
        // heard from a leader this term, and pre-vote for any future term.
        boolean canVote = vote == v.from() || (vote == 0 && leader == 0) || (v.preVote() && v.term() > term);
        boolean upToDate = bugs.grantVotesToStaleLogs() || log.isUpToDate(v.lastLogIndex(), v.lastLogTerm());
        if (canVote && upToDate) {
            send(new VoteResponse(id, v.from(), v.term(), v.preVote(), true));
            if (!v.preVote()) {
                electionElapsed = 0;
                vote = v.from();
            }
        } else {
            send(new VoteResponse(id, v.from(), term, v.preVote(), false));
        }
    }

    private void stepCandidate(RaftMessage m) {
        if (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshotChunk) {
            // Someone won this term.
            becomeFollower(term, m.from());
            stepFollower(m);
        } else if (m instanceof VoteResponse r) {
            boolean pre = role == RaftRole.PRE_CANDIDATE;
            if (r.preVote() != pre) return;
            switch (poll(r.from(), r.granted())) {
                case WON -> {
                    if (pre) campaignElection(false);
                    else becomeLeader();
                }
                case LOST -> becomeFollower(term, 0);
                case PENDING -> { }
            }
        }
    }

    // ------------------------------------------------------------------ follower

    private void stepFollower(RaftMessage m) {
        if (m instanceof AppendEntries a) {
            electionElapsed = 0;
            fastCampaignInTicks = 0;
            leader = a.from();
            handleAppend(a);
        } else if (m instanceof Heartbeat h) {
            electionElapsed = 0;
            fastCampaignInTicks = 0;
            leader = h.from();
            log.commitTo(Math.min(h.commit(), log.lastIndex()));
            configs.committedTo(log.committed);
            send(new HeartbeatResponse(id, h.from(), term, h.context()));
        } else if (m instanceof InstallSnapshotChunk c) {
            electionElapsed = 0;
            leader = c.from();
            handleSnapshotChunk(c);
        } else if (m instanceof TimeoutNow) {
            if (promotable()) campaignElection(true);
        } else if (m instanceof ReadIndexResponse r) {
            readStates.add(new ReadState(r.requestId(), r.index()));
        }
    }

    private void handleAppend(AppendEntries a) {
        if (a.prevLogIndex() < log.committed) {
            // Everything up to our commit index already matches any leader's log.
            send(new AppendResponse(id, a.from(), term, log.committed, false, 0, 0));
            return;
        }
        long lastNew = log.maybeAppend(a.prevLogIndex(), a.prevLogTerm(), a.leaderCommit(), a.entries(),
                bugs.skipLogMatchingCheck());
        if (lastNew >= 0) {
            configs.committedTo(log.committed);
            send(new AppendResponse(id, a.from(), term, lastNew, false, 0, 0));
            return;
        }
        // Fast back-off: point the leader at the last entry that could match, skipping every entry
        // of a term newer than the leader's prevLogTerm.
        long hintIndex = Math.min(a.prevLogIndex(), log.lastIndex());
        long[] hint = log.findConflictByTerm(hintIndex, a.prevLogTerm());
        send(new AppendResponse(id, a.from(), term, a.prevLogIndex(), true, hint[0], hint[1]));
    }

    private void handleSnapshotChunk(InstallSnapshotChunk c) {
        if (c.snapshotIndex() <= log.committed) {
            receiving = null;
            send(new AppendResponse(id, c.from(), term, log.committed, false, 0, 0));
            return;
        }
        if (receiving == null || receiving.index != c.snapshotIndex() || receiving.term != c.snapshotTerm()) {
            if (c.offset() != 0) {
                send(new SnapshotResponse(id, c.from(), term, c.snapshotIndex(), 0)); // start over
                return;
            }
            receiving = new SnapshotReceiver(c.snapshotIndex(), c.snapshotTerm(), c.membership());
        }
        if (c.offset() == receiving.received) {
            // The bytes go to the caller's disk, not into memory here; the ack below leaves only
            // once they are written (messages go out after the Ready is persisted).
            chunksToPersist.add(new SnapshotChunk(c.snapshotIndex(), c.snapshotTerm(), c.offset(), c.data()));
            receiving.received += c.data().length;
        }
        if (c.done() && c.offset() + c.data().length == receiving.received) {
            IncomingSnapshot s = new IncomingSnapshot(receiving.index, receiving.term, receiving.membership, receiving.received);
            receiving = null;
            boolean restored = restore(s);
            send(new AppendResponse(id, c.from(), term, restored ? log.lastIndex() : log.committed, false, 0, 0));
            return;
        }
        send(new SnapshotResponse(id, c.from(), term, c.snapshotIndex(), receiving.received));
    }

    private boolean restore(IncomingSnapshot s) {
        if (s.index() <= log.committed) return false;
        if (log.matchTerm(s.index(), s.term())) {
            // We already hold the snapshot's last entry, hence everything before it: just commit.
            log.commitTo(s.index());
            configs.committedTo(log.committed);
            return false;
        }
        log.restore(s);
        configs.reset(s.index(), s.membership());
        return true;
    }

    private static final class SnapshotReceiver {
        final long index;
        final long term;
        final Membership membership;
        long received;

        SnapshotReceiver(long index, long term, Membership membership) {
            this.index = index;
            this.term = term;
            this.membership = membership;
        }
    }

    // ------------------------------------------------------------------ leader

    private void stepLeader(RaftMessage m) {
        Progress pr = progress.get(m.from());
        if (m instanceof ReadIndexRequest r) {
            if (pr != null) handleReadIndex(r.requestId(), r.from());
            return;
        }
        if (pr == null) return;
        pr.silentTicks = 0;
        if (m instanceof AppendResponse r) {
            pr.recentActive = true;
            handleAppendResponse(r, pr);
        } else if (m instanceof HeartbeatResponse h) {
            pr.recentActive = true;
            pr.probeSent = false;
            // A lost append in replicate state would otherwise block a full window forever.
            if (pr.state == Progress.State.REPLICATE && pr.inflights.full()) pr.inflights.freeFirstOne();
            if (pr.match < log.lastIndex()) sendAppend(h.from(), true);
            if (h.context() != 0 && !pr.learner) {
                for (ReadOnlyQueue.Pending p : readOnly.ack(h.from(), h.context(), this::isQuorum)) {
                    answerRead(p.requestId(), p.from(), p.index());
                }
            }
        } else if (m instanceof SnapshotResponse s) {
            pr.recentActive = true;
            if (pr.state != Progress.State.SNAPSHOT || pr.snapshot.index() != s.snapshotIndex()) return;
            pr.snapshotOffset = s.nextOffset();
            if (s.nextOffset() < pr.snapshot.sizeBytes()) sendSnapshotChunk(s.from(), pr);
        }
    }

    private void handleAppendResponse(AppendResponse r, Progress pr) {
        if (r.reject()) {
            long nextProbe = r.rejectHint();
            if (r.hintTerm() > 0) nextProbe = log.findConflictByTerm(r.rejectHint(), r.hintTerm())[0];
            if (pr.maybeDecreaseTo(r.index(), nextProbe)) {
                if (pr.state == Progress.State.REPLICATE) pr.becomeProbe();
                sendAppend(r.from(), true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(r.index())) return;
        switch (pr.state) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match + 1 >= log.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights.freeLE(r.index());
        }
        if (maybeCommit()) bcastAppend();
        else if (wasPaused) sendAppend(r.from(), true);
        while (sendAppend(r.from(), false)) {
            // Fill the follower's window.
        }
        if (r.from() == leadTransferee && pr.match == log.lastIndex()) {
            send(new TimeoutNow(id, r.from(), term));
        }
    }

    private boolean isQuorum(Set<Long> nodes) {
        Membership ms = membership();
        int n = 0;
        for (long v : ms.voters()) if (nodes.contains(v)) n++;
        return n >= ms.quorum();
    }

    /**
     * Commits the highest index a quorum of voters holds, but only if it is of this leader's term
     * (Raft §5.4.2): an older-term entry held by a majority can still be overwritten by a leader
     * elected without it. Older entries are committed indirectly, by the one of this term after them.
     */
    private boolean maybeCommit() {
        Membership ms = membership();
        long[] matches = new long[ms.voters().size()];
        int i = 0;
        for (long v : ms.voters()) {
            Progress pr = progress.get(v);
            matches[i++] = pr == null ? 0 : pr.match;
        }
        Arrays.sort(matches);
        long quorumIndex = matches[matches.length - ms.quorum()];
        if (quorumIndex <= log.committed) return false;
        if (!bugs.commitOlderTermByCounting() && log.term(quorumIndex) != term) return false;
        log.commitTo(quorumIndex);
        configs.committedTo(log.committed);
        if (configs.currentIndex() <= log.committed) {
            Membership current = configs.current();
            // A removed node is told of the commit by the next heartbeats before it is forgotten, so
            // that it applies its own removal (and answers whoever waits on it) rather than wonder.
            for (Map.Entry<Long, Progress> e : progress.entrySet()) {
                if (!current.contains(e.getKey()) && e.getValue().farewellTicks < 0) e.getValue().farewellTicks = 2 * cfg.heartbeatTick() + 1;
            }
        }
        if (committedEntryInCurrentTerm() && !readsAwaitingCommit.isEmpty()) {
            List<long[]> waiting = new ArrayList<>(readsAwaitingCommit);
            readsAwaitingCommit.clear();
            for (long[] r : waiting) handleReadIndex(r[0], r[1]);
        }
        return true;
    }

    private boolean committedEntryInCurrentTerm() {
        return log.term(log.committed) == term;
    }

    private boolean appendNew(EntryKind kind, byte[] data) {
        if (role != RaftRole.LEADER || leadTransferee != 0) return false;
        if (kind != EntryKind.NOOP && log.lastIndex() - log.committed >= cfg.maxUncommittedEntries()) {
            return false; // back-pressure: the cluster is not keeping up, do not queue unboundedly
        }
        log.append(List.of(new LogEntry(log.lastIndex() + 1, term, kind, data)));
        pendingBroadcast = true; // batched: one append per follower per Ready, not per proposal
        return true;
    }

    private void bcastAppend() {
        for (long node : progress.keySet()) {
            if (node == id) continue;
            sendAppend(node, true);
            while (sendAppend(node, false)) {
                // Fill the follower's window (replicate state); a probe sends just one.
            }
        }
    }

    private void bcastHeartbeat(long context) {
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            if (e.getKey() == id) continue;
            long commit = Math.min(e.getValue().match, log.committed);
            send(new Heartbeat(id, e.getKey(), term, commit, context));
        }
    }

    /** Sends the next append to {@code to} if flow control allows; returns whether a message went out. */
    private boolean sendAppend(long to, boolean sendIfEmpty) {
        Progress pr = progress.get(to);
        if (pr == null || pr.isPaused()) return false;
        if (pr.next < log.firstIndex()) return sendSnapshot(to, pr);
        long prevIndex = pr.next - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm == RaftLog.UNAVAILABLE) return sendSnapshot(to, pr);
        List<LogEntry> entries = log.entries(pr.next, log.lastIndex() + 1, cfg.maxBytesPerAppend());
        if (entries.isEmpty() && !sendIfEmpty) return false;
        send(new AppendEntries(id, to, term, prevIndex, prevTerm, entries, log.committed));
        if (!entries.isEmpty()) {
            long last = entries.get(entries.size() - 1).index();
            if (pr.state == Progress.State.REPLICATE) {
                pr.next = last + 1;
                pr.inflights.add(last);
            } else {
                pr.probeSent = true;
            }
        } else if (pr.state == Progress.State.PROBE) {
            pr.probeSent = true;
        }
        return true;
    }

    private boolean sendSnapshot(long to, Progress pr) {
        SnapshotMeta meta = snapshots.latest();
        if (meta == null || meta.index() < log.firstIndex() - 1) return false; // none yet; retried on the next heartbeat
        pr.becomeSnapshot(meta);
        sendSnapshotChunk(to, pr);
        return true;
    }

    private void sendSnapshotChunk(long to, Progress pr) {
        SnapshotMeta meta = pr.snapshot;
        byte[] data = snapshots.read(meta.index(), pr.snapshotOffset, cfg.snapshotChunkBytes());
        pr.ticksSinceSnapshotChunk = 0;
        if (data == null) {
            // Replaced by a newer snapshot: start over with that one.
            pr.snapshot = null;
            pr.becomeProbe();
            return;
        }
        boolean done = pr.snapshotOffset + data.length >= meta.sizeBytes();
        send(new InstallSnapshotChunk(id, to, term, meta.index(), meta.term(), meta.membership(),
                pr.snapshotOffset, data, done));
    }

    private void handleReadIndex(long requestId, long from) {
        if (!committedEntryInCurrentTerm()) {
            readsAwaitingCommit.add(new long[]{requestId, from});
            return;
        }
        Membership ms = membership();
        if ((ms.voters().size() == 1 && ms.isVoter(id)) || cfg.leaseRead() || bugs.readIndexWithoutQuorum()) {
            // Alone, or under check-quorum's lease: nobody else can have been elected meanwhile.
            answerRead(requestId, from, log.committed);
            return;
        }
        long context = readOnly.add(requestId, from, log.committed, id);
        bcastHeartbeat(context);
    }

    private void answerRead(long requestId, long from, long index) {
        if (from == id) readStates.add(new ReadState(requestId, index));
        else send(new ReadIndexResponse(id, from, term, requestId, index));
    }

    // ------------------------------------------------------------------ membership

    /** Called by the log for every append, including ones that replace a suffix. */
    private void onAppend(List<LogEntry> entries) {
        Membership before = configs.current();
        configs.truncateFrom(entries.get(0).index());
        for (LogEntry e : entries) {
            if (e.kind() == EntryKind.CONFIG) configs.append(e.index(), Membership.decode(e.data()));
        }
        Membership after = configs.current();
        if (after.equals(before) || role != RaftRole.LEADER) return;
        for (long v : after.voters()) {
            Progress pr = progress.get(v);
            if (pr == null) {
                addProgress(v, false);
            } else {
                pr.learner = false;
                pr.farewellTicks = -1;
            }
        }
        for (long l : after.learners()) {
            Progress pr = progress.get(l);
            if (pr == null) {
                addProgress(l, true);
            } else {
                pr.learner = true;
                pr.farewellTicks = -1;
            }
        }
        // A removed node keeps its progress (and so keeps receiving appends) until the entry that
        // removes it commits: that way it learns of its removal and stops campaigning.
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            if (!after.contains(e.getKey())) e.getValue().learner = true;
        }
        if (leadTransferee != 0 && !after.isVoter(leadTransferee)) leadTransferee = 0;
    }

    private void send(RaftMessage m) {
        msgs.add(m);
    }

    @Override
    public String toString() {
        return "RaftNode{" + id + " " + role + " term=" + term + " lead=" + leader + " last=" + log.lastIndex()
                + " commit=" + log.committed + " applied=" + log.applied + " " + membership() + "}";
    }
}
