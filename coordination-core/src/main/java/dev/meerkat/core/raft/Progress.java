package dev.meerkat.core.raft;

import dev.meerkat.core.raft.SnapshotSource.SnapshotMeta;

/** The leader's view of one member's log. */
final class Progress {

    enum State {
        /** Match unknown: send one append at a time and wait for the answer. */
        PROBE,
        /** Match known: stream appends optimistically, bounded by {@link Inflights}. */
        REPLICATE,
        /** The entries it needs are compacted: stream a snapshot, nothing else. */
        SNAPSHOT
    }

    long match;
    long next;
    State state = State.PROBE;
    /** In probe state: an append is outstanding, do not send another until a reply or heartbeat. */
    boolean probeSent;
    /** Heard from since the last check-quorum round. */
    boolean recentActive;
    /** Leader ticks since the follower last answered; unlike recentActive, never reset in bulk. */
    int silentTicks = NEVER_HEARD;
    static final int NEVER_HEARD = 1 << 30;
    /** For a node whose removal committed: heartbeat ticks left before it is forgotten; -1 while it is a member. */
    int farewellTicks = -1;
    boolean learner;
    final Inflights inflights;

    /** Snapshot being streamed, and how many of its bytes the follower confirmed. */
    SnapshotMeta snapshot;
    long snapshotOffset;
    int ticksSinceSnapshotChunk;

    Progress(long next, int maxInflight, boolean learner) {
        this.next = next;
        this.inflights = new Inflights(maxInflight);
        this.learner = learner;
    }

    void becomeProbe() {
        // After a snapshot the follower holds everything up to it, so probing resumes right behind it.
        if (state == State.SNAPSHOT && snapshot != null) {
            next = Math.max(match + 1, snapshot.index() + 1);
        } else {
            next = match + 1;
        }
        state = State.PROBE;
        probeSent = false;
        snapshot = null;
        inflights.reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        snapshot = null;
        inflights.reset();
    }

    void becomeSnapshot(SnapshotMeta meta) {
        state = State.SNAPSHOT;
        snapshot = meta;
        snapshotOffset = 0;
        ticksSinceSnapshotChunk = 0;
        probeSent = false;
        inflights.reset();
    }

    /** Records an acknowledgement; returns false when it told us nothing new. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * Handles a rejection of the append whose prevLogIndex was {@code rejected}; returns false when
     * the rejection is stale (it answers an older message than the current probe).
     */
    boolean maybeDecreaseTo(long rejected, long matchHint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) return false;
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) return false;
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** Whether the leader must hold back appends to this member for now. */
    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (learner ? " learner" : "");
    }
}
