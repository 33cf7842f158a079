package dev.meerkat.core.node;

import dev.meerkat.core.state.Session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Session liveness: where a session is expired. Clients ping whichever server holds their
 * connection; that server records it here, and a follower relays what it heard to the leader in
 * batches. Only the leader's clock decides expiry; a new leader gives every session a fresh full
 * timeout, as ZooKeeper's does, since it cannot know how long the old leader last heard of them.
 */
final class SessionTracker {
    /** When each session was last heard from (nanoTime), on this server or relayed to it. */
    private final Map<Long, Long> lastSeenNanos = new ConcurrentHashMap<>();
    /** Sessions heard from here since the last relay to the leader. */
    private final Set<Long> touchedSinceRelay = ConcurrentHashMap.newKeySet();
    /**
     * Tree thread only: sessions whose expiry has been proposed and not yet applied, with when it was
     * proposed. A proposal can be lost after it was queued (a term change, a lost quorum): one not
     * applied within {@link #RETRY_NANOS} is proposed again, so no session outlives its timeout for good.
     */
    private final Map<Long, Long> expiring = new HashMap<>();
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** Any thread: the session's client was heard from on this server. */
    void touch(long sessionId) {
        if (sessionId == 0) return;
        lastSeenNanos.put(sessionId, System.nanoTime());
        touchedSinceRelay.add(sessionId);
    }

    /** Any thread: another server heard from these sessions. */
    void touchedElsewhere(long[] sessionIds) {
        long now = System.nanoTime();
        for (long id : sessionIds) lastSeenNanos.put(id, now);
    }

    /** When the session was last heard from here (nanoTime), or null. */
    Long lastHeardNanos(long sessionId) {
        return lastSeenNanos.get(sessionId);
    }

    /** The sessions to report to the leader; clears the record. */
    long[] drainTouched() {
        if (touchedSinceRelay.isEmpty()) return new long[0];
        List<Long> ids = new ArrayList<>(touchedSinceRelay);
        touchedSinceRelay.removeAll(ids);
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    /** Tree thread, on becoming leader: every session starts a full timeout now. */
    void becameLeader(Collection<Session> sessions) {
        long now = System.nanoTime();
        expiring.clear();
        for (Session s : sessions) lastSeenNanos.put(s.id(), now);
    }

    /** Tree thread: the expiries this server proposed are no longer its business. */
    void lostLeadership() {
        expiring.clear();
    }

    /**
     * Tree thread, on the leader: the sessions silent for longer than their timeout whose expiry
     * has not been proposed yet. The caller proposes each one and, if that fails, calls
     * {@link #expiryNotProposed} so that the next check tries again.
     */
    List<Session> dueForExpiry(Collection<Session> sessions, long nowNanos) {
        List<Session> due = new ArrayList<>();
        for (Session s : sessions) {
            Long seen = lastSeenNanos.get(s.id());
            if (seen == null) {
                lastSeenNanos.put(s.id(), nowNanos); // never heard of here (restart): a fresh timeout
            } else if (nowNanos - seen > TimeUnit.MILLISECONDS.toNanos(s.timeoutMs())) {
                Long proposedAt = expiring.get(s.id());
                if (proposedAt == null || nowNanos - proposedAt > RETRY_NANOS) {
                    expiring.put(s.id(), nowNanos);
                    due.add(s);
                }
            }
        }
        return due;
    }

    void expiryNotProposed(long sessionId) {
        expiring.remove(sessionId);
    }

    /** Whether the leader has already decided this session's expiry. */
    boolean isExpiring(long sessionId) {
        return expiring.containsKey(sessionId);
    }

    /** Tree thread: the session is gone from the state. */
    void ended(long sessionId) {
        lastSeenNanos.remove(sessionId);
        touchedSinceRelay.remove(sessionId);
        expiring.remove(sessionId);
    }
}
