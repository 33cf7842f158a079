package dev.meerkat.core.raft;

import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.LogEntry;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic simulation of a Raft cluster: in-memory disks that lose unsynced writes on a
 * crash, a network that loses, delays, duplicates and reorders messages, symmetric and one-way
 * partitions, crashes and restarts, slow disks. Everything comes from one seed, so a failure
 * replays exactly. Safety is checked after every event ({@link SafetyChecker}); after the faults
 * heal the cluster must commit a new proposal, and every node must catch up, within a bound.
 *
 * <p>Time is in units; a node ticks every {@link #TICK} units, messages take 1-8 units
 * (sometimes up to four ticks).
 */
final class Simulation {

    static final int TICK = 10;
    static final int CHAOS_TICKS = 300;
    /** After healing: a new proposal must commit, and every node apply it, within this many ticks. */
    static final int LIVENESS_TICKS = 200;
    /**
     * Without pre-vote the bound is looser: a voter with a stale log (or an outdated membership)
     * keeps starting futile elections, and the term race with the candidate that can win ends only
     * when the randomised timeouts let that candidate move first (Raft's own liveness argument).
     */
    static final int LIVENESS_TICKS_WITHOUT_PRE_VOTE = 1000;

    record Result(long seed, int nodes, boolean membershipChanges, String failure, long steps, long committed, long configChanges,
                  long readsChecked, long leaderRemovals) {
        boolean ok() {
            return failure == null;
        }

        String reproduce() {
            return "-Draft.sim.seed=" + seed + " -Draft.sim.nodes=" + nodes + (membershipChanges ? " -Draft.sim.membership=true" : "");
        }
    }

    private record Envelope(long at, long seq, RaftMessage message) implements Comparable<Envelope> {
        @Override
        public int compareTo(Envelope o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final class SimNode {
        final long id;
        final int phase;
        final SimDisk disk = new SimDisk();
        final SimSnapshots snapshots = new SimSnapshots();
        final SplittableRandom nodeRandom;
        RaftNode raft;
        boolean up = true;
        RaftRole lastRole = RaftRole.FOLLOWER;
        long lastTerm;
        int diskDelay;
        long restartAt = -1;
        Ready pending;
        long pendingDoneAt;
        // The replicated state machine: a running digest of the applied entries.
        long smIndex;
        long smDigest;
        long smTerm;
        Membership smMembership;

        SimNode(long id) {
            this.id = id;
            this.phase = random.nextInt(TICK);
            this.nodeRandom = random.split();
            start();
        }

        void start() {
            SnapshotSource.SnapshotMeta snap = snapshots.latest();
            if (snap == null) {
                smIndex = 0;
                smDigest = 0;
                smTerm = 0;
                smMembership = config(id).initialMembership();
            } else {
                ByteBuffer b = ByteBuffer.wrap(snapshots.data());
                smIndex = b.getLong();
                smDigest = b.getLong();
                smTerm = snap.term();
                smMembership = snap.membership();
            }
            raft = new RaftNode(config(id), disk, snapshots, nodeRandom.split());
            lastRole = raft.role();
            lastTerm = raft.term();
        }

        boolean busy() {
            return pending != null;
        }
    }

    private final long seed;
    private final int n;
    private final RaftBugs bugs;
    /** Start with voters {1,2,3} only; the others join (as learners or voters) and members leave while faults go on. */
    private final boolean membershipChanges;
    private final SplittableRandom random;
    private final boolean preVote;
    private final boolean churn;
    private final boolean checkQuorum;
    private final SimNode[] nodes;
    private final PriorityQueue<Envelope> network = new PriorityQueue<>();
    private final boolean[][] blocked;
    private final SafetyChecker checker = new SafetyChecker();
    private final Map<Long, Long> readRequiredIndex = new HashMap<>();
    private long nextSeq;
    private long now;
    private long steps;
    private double dropRate;
    private double dupRate;
    /** Crash points: chance that a node loses power right after finishing a Ready (e.g. just after granting a vote). */
    private final double crashAfterReadyRate;
    private final int faultEvery;
    /**
     * Crash points: chance that a node loses power right after a protocol decision became durable
     * and was announced (it granted a vote; as leader it advanced its commit index).
     */
    private final double crashPointRate;
    private final long maxBytesPerAppend;
    private final int maxInflight;
    private long longDelayUntil;
    private long proposals;
    private long nextReadId = 1;
    private long readsChecked;
    /** -Draft.sim.trace=FROM prints every delivered message and role change from that time unit on. */
    private final long traceFrom = Long.getLong("raft.sim.trace", Long.MAX_VALUE);
    private final Set<String> finalProposals = new HashSet<>();
    private long finalCommittedIndex = -1;

    Simulation(long seed, int n, boolean membershipChanges, RaftBugs bugs) {
        this.seed = seed;
        this.n = n;
        this.bugs = bugs;
        this.membershipChanges = membershipChanges;
        this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        // Vary the optional protections by seed: safety must hold with and without them.
        int variant = random.nextInt(4);
        // One seed in four runs the "leader churn" profile: no leader lease or pre-vote to slow
        // elections down, leaders and voters crashing right after their decisions, one entry per
        // append with no pipelining, clients writing to deposed leaders. That is where histories
        // like Figure 8 of the Raft paper (an old-term entry on a majority, overwritten later) arise.
        this.churn = random.nextInt(4) == 0;
        this.preVote = churn ? random.nextInt(4) == 0 : variant != 1;
        this.checkQuorum = churn ? random.nextInt(4) == 0 : variant != 2;
        this.crashAfterReadyRate = new double[]{0, 0.002, 0.01, 0.03}[random.nextInt(4)];
        this.faultEvery = churn ? 40 : new int[]{60, 120, 250}[random.nextInt(3)];
        this.crashPointRate = churn ? 0.5 : new double[]{0, 0.05, 0.2}[random.nextInt(3)];
        // One entry per append (1 byte limit) down to generous batches; stop-and-wait up to a window.
        this.maxBytesPerAppend = churn ? 1 : new long[]{1, 150, 1000}[random.nextInt(3)];
        this.maxInflight = churn ? 1 : 1 + random.nextInt(4);
        this.blocked = new boolean[n + 1][n + 1];
        this.nodes = new SimNode[n + 1];
        for (int i = 1; i <= n; i++) nodes[i] = new SimNode(i);
    }

    private RaftConfig config(long id) {
        Set<Long> voters = new HashSet<>();
        int initialVoters = membershipChanges ? 3 : n;
        // A node outside the initial cluster starts knowing no membership: it waits to be added.
        if (id <= initialVoters) for (long i = 1; i <= initialVoters; i++) voters.add(i);
        return RaftConfig.builder(id).voters(voters)
                .electionTick(10).heartbeatTick(1)
                .preVote(preVote).checkQuorum(checkQuorum)
                .maxInflightMessages(maxInflight).maxBytesPerAppend(maxBytesPerAppend).snapshotChunkBytes(256)
                .maxUncommittedEntries(50)
                .build().withBugs(bugs);
    }

    static Result run(long seed, int nodes, RaftBugs bugs) {
        return run(seed, nodes, false, bugs);
    }

    static Result run(long seed, int nodes, boolean membershipChanges, RaftBugs bugs) {
        Simulation sim = new Simulation(seed, nodes, membershipChanges, bugs);
        String failure;
        try {
            failure = sim.runAll();
        } catch (SafetyChecker.Violation v) {
            failure = v.getMessage();
        } catch (RuntimeException e) {
            failure = "exception at time " + sim.now + ": " + e;
        }
        return new Result(seed, nodes, membershipChanges, failure, sim.steps, sim.checker.committedCount(), sim.checker.committedConfigChanges(), sim.readsChecked,
                sim.leaderRemovals);
    }

    private String runAll() {
        long chaosEnd = (long) CHAOS_TICKS * TICK;
        int livenessTicks = preVote ? LIVENESS_TICKS : LIVENESS_TICKS_WITHOUT_PRE_VOTE;
        long deadline = chaosEnd + (long) livenessTicks * TICK;
        dropRate = 0.02;
        dupRate = 0.02;
        for (now = 0; now < deadline; now++) {
            if (now < chaosEnd) {
                if (random.nextInt(faultEvery) == 0) injectFault();
            } else if (now == chaosEnd) {
                heal();
            }
            restartDueNodes();
            completePendingWrites();
            deliverMessages();
            tickNodes();
            clientActivity(now >= chaosEnd);
            if (now > chaosEnd && finalCommittedIndex > 0 && allCaughtUp()) return null;
        }
        if (finalCommittedIndex < 0) {
            return "liveness: no proposal committed within " + livenessTicks + " ticks after the faults healed; "
                    + describe();
        }
        return "liveness: not every node applied index " + finalCommittedIndex + " within " + livenessTicks
                + " ticks after healing; " + describe();
    }

    private String describe() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(nodes[i].raft).append(nodes[i].up ? "" : " DOWN").append(nodes[i].busy() ? " BUSY until " + nodes[i].pendingDoneAt : "").append("; ");
        }
        b.append("now=").append(now);
        return b.toString();
    }

    /** Every member of the final membership (all nodes, without membership changes) applied the final proposal. */
    private boolean allCaughtUp() {
        SimNode leader = anyLeader();
        if (leader == null) return false;
        Membership members = leader.raft.membership();
        for (int i = 1; i <= n; i++) {
            if (members.contains(i) && nodes[i].smIndex < finalCommittedIndex) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ faults

    private void injectFault() {
        int kind = random.nextInt(13);
        switch (kind) {
            case 12 -> { // a transport blip: one node wrongly reports a live peer as unreachable
                SimNode node = nodes[1 + random.nextInt(n)];
                if (node.up) node.raft.peerUnreachable(1 + random.nextInt(n));
            }
            case 10, 11 -> { // crash the leader, back soon
                SimNode leader = anyLeader();
                if (leader != null) reboot(leader);
            }
            case 0, 1 -> { // crash a node, and maybe restart one
                SimNode node = nodes[1 + random.nextInt(n)];
                if (node.up) crash(node);
                else restart(node);
            }
            case 2 -> { // isolate one node
                int victim = 1 + random.nextInt(n);
                for (int i = 1; i <= n; i++) {
                    blocked[victim][i] = true;
                    blocked[i][victim] = true;
                }
            }
            case 3 -> { // split into two random groups
                boolean[] side = new boolean[n + 1];
                for (int i = 1; i <= n; i++) side[i] = random.nextBoolean();
                for (int i = 1; i <= n; i++) for (int j = 1; j <= n; j++) blocked[i][j] = side[i] != side[j];
            }
            case 4 -> { // one-way link failure
                int a = 1 + random.nextInt(n);
                int b = 1 + random.nextInt(n);
                blocked[a][b] = true;
            }
            case 5, 6 -> { // heal the network
                for (boolean[] row : blocked) java.util.Arrays.fill(row, false);
            }
            case 7 -> { // lossy, duplicating network
                dropRate = random.nextInt(4) == 0 ? 0.3 : random.nextDouble() * 0.1;
                dupRate = random.nextDouble() * 0.1;
            }
            case 8 -> { // slow disk, or back to normal
                SimNode node = nodes[1 + random.nextInt(n)];
                node.diskDelay = node.diskDelay == 0 ? 1 + random.nextInt(3 * TICK) : 0;
            }
            case 9 -> { // bursts of long delays (reordering across ticks)
                longDelayUntil = now + random.nextInt(30 * TICK);
            }
            default -> throw new IllegalStateException();
        }
        // Restart crashed nodes now and then so the cluster keeps some life in it.
        for (int i = 1; i <= n; i++) {
            if (!nodes[i].up && random.nextInt(3) == 0) restart(nodes[i]);
        }
    }

    private void heal() {
        for (boolean[] row : blocked) java.util.Arrays.fill(row, false);
        dropRate = 0;
        dupRate = 0;
        longDelayUntil = 0;
        for (int i = 1; i <= n; i++) {
            nodes[i].diskDelay = 0;
            if (!nodes[i].up) restart(nodes[i]);
        }
    }

    private void reboot(SimNode node) {
        crash(node);
        node.restartAt = now + random.nextInt(3 * TICK);
    }

    private void restartDueNodes() {
        for (int i = 1; i <= n; i++) {
            SimNode node = nodes[i];
            if (!node.up && node.restartAt >= 0 && now >= node.restartAt) restart(node);
        }
    }

    private void crash(SimNode node) {
        // The transport of most peers sees the connection to the dead process refused at once.
        for (int i = 1; i <= n; i++) {
            if (i != node.id && nodes[i].up && nodes[i].raft != null && random.nextInt(10) < 7) nodes[i].raft.peerUnreachable(node.id);
        }
        node.up = false;
        node.pending = null;
        node.disk.crash(random);
        node.snapshots.crash();
        node.raft = null;
    }

    private void restart(SimNode node) {
        node.up = true;
        node.restartAt = -1;
        node.start();
        checkRoles(node);
    }

    // ------------------------------------------------------------------ event loop

    private void completePendingWrites() {
        for (int i = 1; i <= n; i++) {
            SimNode node = nodes[i];
            if (node.up && node.pending != null && now >= node.pendingDoneAt) {
                Ready r = node.pending;
                node.pending = null;
                finishReady(node, r);
                processReadies(node);
            }
        }
    }

    private void deliverMessages() {
        List<Envelope> later = null;
        while (!network.isEmpty() && network.peek().at <= now) {
            Envelope env = network.poll();
            RaftMessage m = env.message;
            SimNode to = nodes[(int) m.to()];
            if (!to.up || blocked[(int) m.from()][(int) m.to()]) continue;
            if (to.busy()) {
                // Its single thread is blocked on the disk; the message waits in the socket buffer.
                if (later == null) later = new ArrayList<>();
                later.add(new Envelope(now + 1, nextSeq++, m));
                continue;
            }
            steps++;
            if (now >= traceFrom) System.out.println(now + " deliver " + m);
            to.raft.step(m);
            checkRoles(to);
            processReadies(to);
        }
        if (later != null) network.addAll(later);
    }

    private void tickNodes() {
        for (int i = 1; i <= n; i++) {
            SimNode node = nodes[i];
            if (!node.up || node.busy() || (now + node.phase) % TICK != 0) continue;
            steps++;
            node.raft.tick();
            checkRoles(node);
            processReadies(node);
        }
    }

    private void clientActivity(boolean healed) {
        if (random.nextInt(healed ? 5 : 12) == 0) {
            SimNode leader = random.nextInt(churn ? 2 : 3) == 0 ? randomLeader() : anyLeader();
            if (leader != null) {
                String tag = (healed ? "final-" : "cmd-") + seed + "-" + (proposals++);
                if (leader.raft.propose(tag.getBytes())) {
                    steps++;
                    if (healed) finalProposals.add(tag);
                    processReadies(leader);
                }
            }
        }
        if (random.nextInt(40) == 0) {
            SimNode node = nodes[1 + random.nextInt(n)];
            if (node.up && !node.busy()) {
                long id = nextReadId++;
                if (node.raft.readIndex(id)) {
                    steps++;
                    readRequiredIndex.put(id, checker.maxCommitted());
                    processReadies(node);
                }
            }
        }
        if (membershipChanges && !healed && random.nextInt(100) == 0) {
            SimNode leader = randomLeader();
            if (leader != null) changeMembership(leader);
        }
        if (membershipChanges && leaderToRemove != 0 && random.nextInt(10) == 0) {
            // A leader that was to be removed handed over; whoever leads now removes it (Meerkat's reconfig does this).
            SimNode leader = randomLeader();
            if (leader != null && leader.id != leaderToRemove) {
                if (!leader.raft.membership().isVoter(leaderToRemove)) {
                    leaderToRemove = 0;
                } else if (leader.raft.proposeConfigChange(ConfigChange.removeNode(leaderToRemove))) {
                    leaderToRemove = 0;
                    leaderRemovals++;
                    steps++;
                    processReadies(leader);
                }
            }
        }
        if (random.nextInt(400) == 0) {
            SimNode leader = anyLeader();
            if (leader != null) {
                leader.raft.transferLeadership(1 + random.nextInt(n));
                steps++;
                processReadies(leader);
            }
        }
    }

    private SimNode anyLeader() {
        SimNode best = null;
        for (int i = 1; i <= n; i++) {
            SimNode node = nodes[i];
            if (node.up && !node.busy() && node.raft.isLeader() && (best == null || node.raft.term() > best.raft.term())) {
                best = node;
            }
        }
        return best;
    }

    /** A leader asked to leave the voters: it hands over first, the next leader removes it. */
    private long leaderToRemove;
    private long leaderRemovals;

    private void changeMembership(SimNode leader) {
        Membership m = leader.raft.membership();
        long node = 1 + random.nextInt(n);
        if (node == leader.id && m.voters().size() > 2 && leaderToRemove == 0 && random.nextInt(2) == 0) {
            long to = leader.raft.bestTransferTarget();
            if (to != 0 && leader.raft.transferLeadership(to)) {
                leaderToRemove = leader.id;
                steps++;
                processReadies(leader);
            }
            return;
        }
        if (m.isVoter(node) && node != leader.id && m.voters().size() > 2 && random.nextInt(3) == 0) {
            // A demotion, as a reconfig turning a participant into an observer proposes it: a whole membership.
            java.util.Set<Long> voters = new java.util.TreeSet<>(m.voters());
            java.util.Set<Long> learners = new java.util.TreeSet<>(m.learners());
            voters.remove(node);
            learners.add(node);
            if (leader.raft.proposeConfig(new Membership(voters, learners).encode())) {
                steps++;
                processReadies(leader);
            }
            return;
        }
        ConfigChange change = randomChange(m, leader.id);
        if (change != null && leader.raft.proposeConfigChange(change)) {
            steps++;
            processReadies(leader);
        }
    }

    private ConfigChange randomChange(Membership m, long leaderId) {
        long node = 1 + random.nextInt(n);
        if (!m.contains(node)) {
            return random.nextInt(3) == 0 ? ConfigChange.addVoter(node) : ConfigChange.addLearner(node);
        }
        if (m.isLearner(node)) {
            return random.nextInt(3) == 0 ? ConfigChange.removeNode(node) : ConfigChange.promoteLearner(node);
        }
        if (node != leaderId && m.voters().size() > 2) return ConfigChange.removeNode(node);
        return null;
    }

    /** Clients of a deposed leader that does not know it yet keep writing to it. */
    private SimNode randomLeader() {
        List<SimNode> all = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            if (nodes[i].up && !nodes[i].busy() && nodes[i].raft.isLeader()) all.add(nodes[i]);
        }
        return all.isEmpty() ? null : all.get(random.nextInt(all.size()));
    }

    private List<SafetyChecker.LogView> logViews() {
        List<SafetyChecker.LogView> views = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            SimNode node = nodes[i];
            if (node.up) {
                RaftNode r = node.raft;
                views.add(new SafetyChecker.LogView() {
                    public long id() { return r.id(); }
                    public long lastIndex() { return r.lastIndex(); }
                    public long termAt(long index) { return r.termAt(index); }
                });
            } else {
                // A crashed node comes back with exactly what its disk kept.
                SimDisk d = node.disk;
                long id = node.id;
                views.add(new SafetyChecker.LogView() {
                    public long id() { return id; }
                    public long lastIndex() { return d.lastIndex(); }
                    public long termAt(long index) { return index < d.snapshotIndex() ? -1 : d.term(index); }
                });
            }
        }
        return views;
    }

    private List<RaftNode> leaders() {
        List<RaftNode> out = new ArrayList<>(2);
        for (int i = 1; i <= n; i++) if (nodes[i].up && nodes[i].raft.isLeader()) out.add(nodes[i].raft);
        return out;
    }

    private void checkRoles(SimNode node) {
        RaftNode r = node.raft;
        if (now >= traceFrom && (r.role() != node.lastRole || r.term() != node.lastTerm)) System.out.println(now + " " + r);
        if (r.isLeader()) {
            checker.onLeader(r, null);
            if (node.lastRole != RaftRole.LEADER || node.lastTerm != r.term()) checker.onBecameLeader(r);
        }
        node.lastRole = r.role();
        node.lastTerm = r.term();
    }

    // ------------------------------------------------------------------ the driver

    private void processReadies(SimNode node) {
        while (node.up && !node.busy() && node.raft.hasReady()) {
            Ready r = node.raft.ready();
            checkRoles(node);
            // Step 1 and 2: install the snapshot, write the entries (not yet synced).
            for (SnapshotChunk c : r.snapshotChunks()) node.snapshots.receive(c);
            if (r.snapshot() != null) installSnapshot(node, r.snapshot());
            for (LogEntry e : r.entriesToPersist()) checker.onPersist(node.raft, e);
            node.disk.append(r.entriesToPersist());
            if (node.diskDelay > 0 && r.mustSync()) {
                node.pending = r;
                node.pendingDoneAt = now + 1 + random.nextInt(node.diskDelay);
                return;
            }
            finishReady(node, r);
        }
    }

    private void finishReady(SimNode node, Ready r) {
        if (r.mustSync()) node.disk.sync();
        if (r.hardState() != null) node.disk.saveHardState(r.hardState());
        for (RaftMessage m : r.messages()) send(m);
        List<RaftNode> leaders = null;
        for (LogEntry e : r.committedEntries()) {
            if (e.index() != node.smIndex + 1) {
                throw new SafetyChecker.Violation("node " + node.id + " applied " + e.index() + " after " + node.smIndex);
            }
            node.smIndex = e.index();
            node.smTerm = e.term();
            node.smDigest = node.smDigest * 0x100000001B3L ^ (e.index() * 31 + e.term()) ^ java.util.Arrays.hashCode(e.data());
            if (e.kind() == EntryKind.CONFIG) node.smMembership = Membership.decode(e.data());
            if (leaders == null) leaders = leaders();
            checker.onApply(node.raft, e, node.smDigest, leaders);
            if (finalCommittedIndex < 0 && e.kind() == EntryKind.COMMAND && finalProposals.contains(new String(e.data()))) {
                finalCommittedIndex = e.index();
            }
        }
        if (leaders != null && !membershipChanges) checker.checkNoElectableNodeLacksCommitted(logViews());
        for (ReadState rs : r.readStates()) {
            Long required = readRequiredIndex.remove(rs.requestId());
            if (required != null) readsChecked++;
            if (required != null && rs.index() < required) {
                throw new SafetyChecker.Violation("linearizability: read " + rs.requestId() + " on node " + node.id
                        + " got read index " + rs.index() + " but index " + required + " was committed before it was asked");
            }
        }
        node.raft.advance(r);
        checkRoles(node);
        maybeSnapshot(node);
        if (now >= (long) CHAOS_TICKS * TICK) return;
        boolean crashPoint = false;
        for (RaftMessage m : r.messages()) {
            if (m instanceof RaftMessage.VoteResponse v && v.granted() && !v.preVote()) crashPoint = true;
        }
        if (node.raft.isLeader() && !r.committedEntries().isEmpty()) crashPoint = true;
        if ((crashPoint && random.nextDouble() < crashPointRate) || random.nextDouble() < crashAfterReadyRate) {
            reboot(node);
        }
    }

    private void installSnapshot(SimNode node, IncomingSnapshot s) {
        ByteBuffer b = ByteBuffer.wrap(node.snapshots.install(s));
        long index = b.getLong();
        long digest = b.getLong();
        if (index != s.index()) throw new SafetyChecker.Violation("snapshot data for " + index + " sent as " + s.index());
        checker.onSnapshotInstalled(node.id, index, digest);
        node.disk.resetToSnapshot(s.index(), s.term());
        node.smIndex = index;
        node.smDigest = digest;
        node.smTerm = s.term();
        node.smMembership = s.membership();
    }

    /** Snapshots every so often and compacts the log, so that lagging nodes need a snapshot. */
    private void maybeSnapshot(SimNode node) {
        SnapshotSource.SnapshotMeta latest = node.snapshots.latest();
        long last = latest == null ? 0 : latest.index();
        if (node.smIndex - last < 12) return;
        // Some filler so the snapshot takes several chunks.
        ByteBuffer b = ByteBuffer.allocate(16 + (int) (node.smDigest & 0x3FF));
        b.putLong(node.smIndex).putLong(node.smDigest);
        node.snapshots.save(node.smIndex, node.smTerm, node.smMembership, b.array());
        long compactTo = node.smIndex - random.nextInt(4);
        if (compactTo > node.disk.snapshotIndex() && compactTo <= node.disk.lastIndex()) node.disk.compact(compactTo);
    }

    private void send(RaftMessage m) {
        int from = (int) m.from();
        int to = (int) m.to();
        if (to < 1 || to > n || blocked[from][to]) return;
        if (random.nextDouble() < dropRate) return;
        if (random.nextInt(10) == 0) m = RaftMessageCodec.decode(RaftMessageCodec.encode(m)); // the transport's path
        network.add(new Envelope(now + delay(), nextSeq++, m));
        if (random.nextDouble() < dupRate) network.add(new Envelope(now + delay(), nextSeq++, m));
    }

    private long delay() {
        if (now < longDelayUntil && random.nextInt(3) == 0) return 1 + random.nextInt(4 * TICK);
        return 1 + random.nextInt(8);
    }
}
