package dev.meerkat.core.watch;

import dev.meerkat.core.api.EventType;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many watchers each fired event reached, per event type: ZooKeeper's node_created_watch_count,
 * node_deleted_watch_count, node_changed_watch_count and node_children_watch_count summaries.
 * Written on the tree's thread; {@link #snapshot()} copies it for other threads.
 */
public final class TriggerCounts {
    /** count, sum, min and max of watchers reached, for one event type. */
    public record Summary(long count, long sum, long min, long max) {
        public static final Summary EMPTY = new Summary(0, 0, 0, 0);

        Summary plus(long n) {
            return count == 0 ? new Summary(1, n, n, n) : new Summary(count + 1, sum + n, Math.min(min, n), Math.max(max, n));
        }
    }

    private final EnumMap<EventType, Summary> byType = new EnumMap<>(EventType.class);

    void record(EventType type, int watchers) {
        byType.merge(type, Summary.EMPTY.plus(watchers), (old, one) -> old.plus(watchers));
    }

    public Map<EventType, Summary> snapshot() {
        return Map.copyOf(byType);
    }

    public void reset() {
        byType.clear();
    }
}
