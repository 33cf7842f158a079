package dev.meerkat.core.raft;

import java.util.Set;

/**
 * Static settings of one Raft node. Times are in ticks: the caller decides how long a tick is
 * (e.g. 100 ms), the engine never looks at a clock.
 */
public final class RaftConfig {

    private final long selfId;
    private final Membership initialMembership;
    private final int electionTick;
    private final int heartbeatTick;
    private final boolean preVote;
    private final boolean checkQuorum;
    private final boolean leaseRead;
    private final int maxInflightMessages;
    private final long maxBytesPerAppend;
    private final int snapshotChunkBytes;
    private final long maxCommittedBytesPerReady;
    private final int maxUncommittedEntries;
    private final RaftBugs bugs;

    private RaftConfig(Builder b, RaftBugs bugs) {
        this.selfId = b.selfId;
        this.initialMembership = new Membership(b.voters, b.learners);
        this.electionTick = b.electionTick;
        this.heartbeatTick = b.heartbeatTick;
        this.preVote = b.preVote;
        this.checkQuorum = b.checkQuorum;
        this.leaseRead = b.leaseRead;
        this.maxInflightMessages = b.maxInflightMessages;
        this.maxBytesPerAppend = b.maxBytesPerAppend;
        this.snapshotChunkBytes = b.snapshotChunkBytes;
        this.maxCommittedBytesPerReady = b.maxCommittedBytesPerReady;
        this.maxUncommittedEntries = b.maxUncommittedEntries;
        this.bugs = bugs;
        if (selfId <= 0) throw new IllegalArgumentException("selfId must be positive: " + selfId);
        if (heartbeatTick < 1 || electionTick <= heartbeatTick) {
            throw new IllegalArgumentException("need 1 <= heartbeatTick < electionTick");
        }
        if (maxInflightMessages < 1 || maxBytesPerAppend < 1 || snapshotChunkBytes < 1 || maxUncommittedEntries < 1) {
            throw new IllegalArgumentException("flow-control limits must be positive");
        }
        if (leaseRead && !checkQuorum) {
            // Without check-quorum a deposed leader does not know it, so its lease means nothing.
            throw new IllegalArgumentException("leaseRead requires checkQuorum");
        }
    }

    public static Builder builder(long selfId) {
        return new Builder(selfId);
    }

    /** The same settings with deliberate bugs switched on; tests only. */
    RaftConfig withBugs(RaftBugs bugs) {
        Builder b = toBuilder();
        return new RaftConfig(b, bugs);
    }

    public Builder toBuilder() {
        Builder b = new Builder(selfId);
        b.voters = initialMembership.voters();
        b.learners = initialMembership.learners();
        b.electionTick = electionTick;
        b.heartbeatTick = heartbeatTick;
        b.preVote = preVote;
        b.checkQuorum = checkQuorum;
        b.leaseRead = leaseRead;
        b.maxInflightMessages = maxInflightMessages;
        b.maxBytesPerAppend = maxBytesPerAppend;
        b.snapshotChunkBytes = snapshotChunkBytes;
        b.maxCommittedBytesPerReady = maxCommittedBytesPerReady;
        b.maxUncommittedEntries = maxUncommittedEntries;
        return b;
    }

    public long selfId() { return selfId; }
    /** Membership of a brand-new cluster; ignored once the log or a snapshot says otherwise. */
    public Membership initialMembership() { return initialMembership; }
    /** Ticks without hearing from a leader before a follower campaigns (randomised in [e, 2e)). */
    public int electionTick() { return electionTick; }
    public int heartbeatTick() { return heartbeatTick; }
    public boolean preVote() { return preVote; }
    public boolean checkQuorum() { return checkQuorum; }
    public boolean leaseRead() { return leaseRead; }
    public int maxInflightMessages() { return maxInflightMessages; }
    public long maxBytesPerAppend() { return maxBytesPerAppend; }
    public int snapshotChunkBytes() { return snapshotChunkBytes; }
    public long maxCommittedBytesPerReady() { return maxCommittedBytesPerReady; }
    /** Proposals are refused while this many entries wait for commit (back-pressure). */
    public int maxUncommittedEntries() { return maxUncommittedEntries; }
    RaftBugs bugs() { return bugs; }

    public static final class Builder {
        private final long selfId;
        private Set<Long> voters = Set.of();
        private Set<Long> learners = Set.of();
        private int electionTick = 10;
        private int heartbeatTick = 1;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private boolean leaseRead = false;
        private int maxInflightMessages = 64;
        private long maxBytesPerAppend = 1 << 20;
        private int snapshotChunkBytes = 1 << 20;
        private long maxCommittedBytesPerReady = 16L << 20;
        private int maxUncommittedEntries = 10_000;

        private Builder(long selfId) {
            this.selfId = selfId;
        }

        public Builder voters(Set<Long> v) { voters = Set.copyOf(v); return this; }
        public Builder learners(Set<Long> l) { learners = Set.copyOf(l); return this; }
        public Builder electionTick(int t) { electionTick = t; return this; }
        public Builder heartbeatTick(int t) { heartbeatTick = t; return this; }
        public Builder preVote(boolean b) { preVote = b; return this; }
        public Builder checkQuorum(boolean b) { checkQuorum = b; return this; }
        public Builder leaseRead(boolean b) { leaseRead = b; return this; }
        public Builder maxInflightMessages(int n) { maxInflightMessages = n; return this; }
        public Builder maxBytesPerAppend(long n) { maxBytesPerAppend = n; return this; }
        public Builder snapshotChunkBytes(int n) { snapshotChunkBytes = n; return this; }
        public Builder maxCommittedBytesPerReady(long n) { maxCommittedBytesPerReady = n; return this; }
        public Builder maxUncommittedEntries(int n) { maxUncommittedEntries = n; return this; }

        public RaftConfig build() {
            return new RaftConfig(this, RaftBugs.NONE);
        }
    }
}
