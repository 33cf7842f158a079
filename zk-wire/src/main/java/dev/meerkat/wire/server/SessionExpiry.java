package dev.meerkat.wire.server;

import dev.meerkat.core.stats.Inspections;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When sessions expire, grouped as ZooKeeper's session tracker groups them: in buckets of one
 * tick, each bucket's time rounded up to the next tick (dump, and the dump command's
 * expiry_time_to_session_ids).
 */
public final class SessionExpiry {
    private SessionExpiry() {
    }

    /** Expiry time (epoch ms, rounded up to a tick) to the session ids expiring then, earliest first. */
    public static Map<Long, List<Long>> byExpiry(List<Inspections.SessionEntry> sessions, int tickMs) {
        long nowNanos = System.nanoTime();
        long nowMs = System.currentTimeMillis();
        Map<Long, List<Long>> out = new TreeMap<>();
        for (Inspections.SessionEntry s : sessions) {
            long idleMs = s.lastHeardNanos() == null ? 0 : Math.max(0, (nowNanos - s.lastHeardNanos()) / 1_000_000);
            long expiresMs = nowMs + Math.max(0, s.timeoutMs() - idleMs);
            out.computeIfAbsent(roundUp(expiresMs, tickMs), t -> new ArrayList<>()).add(s.id());
        }
        return out;
    }

    /** ZooKeeper's ExpiryQueue.roundToNextInterval. */
    static long roundUp(long timeMs, int tickMs) {
        int interval = Math.max(1, tickMs);
        return (timeMs / interval + 1) * interval;
    }
}
