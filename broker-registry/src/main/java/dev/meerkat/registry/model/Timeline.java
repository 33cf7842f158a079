package dev.meerkat.registry.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} events, oldest first. Appended to by the registry thread; readers on any
 * thread get the immutable list published after each batch.
 */
public final class Timeline {
    private final int capacity;
    private final ArrayDeque<KafkaEvent> events;
    private volatile List<KafkaEvent> published = List.of();
    /** The newest event pushed out by the bound: a client that saw less than it missed something. */
    private volatile KafkaEvent lastDropped;

    public Timeline(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("timeline capacity must be positive: " + capacity);
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    public void addAll(List<KafkaEvent> batch) {
        if (batch.isEmpty()) return;
        for (KafkaEvent e : batch) {
            if (events.size() == capacity) lastDropped = events.removeFirst();
            events.addLast(e);
        }
        published = List.copyOf(events);
    }

    public List<KafkaEvent> all() {
        return published;
    }

    public KafkaEvent last() {
        List<KafkaEvent> p = published;
        return p.isEmpty() ? null : p.get(p.size() - 1);
    }

    /**
     * Events after {@code lastEventId} ({@code zxid-ordinal}); everything for null or an id that is not
     * of that form. {@code truncated} tells the caller the id is older than what is kept.
     */
    public After after(String lastEventId) {
        List<KafkaEvent> p = published;
        long[] pos = parseId(lastEventId);
        if (pos == null) return new After(p, false);
        int lo = 0, hi = p.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p.get(mid).isAfter(pos[0], (int) pos[1])) hi = mid;
            else lo = mid + 1;
        }
        KafkaEvent dropped = lastDropped;
        boolean truncated = lo == 0 && dropped != null && dropped.isAfter(pos[0], (int) pos[1]);
        return new After(lo == 0 ? p : new ArrayList<>(p.subList(lo, p.size())), truncated);
    }

    public record After(List<KafkaEvent> events, boolean truncated) {
    }

    static long[] parseId(String id) {
        if (id == null) return null;
        int dash = id.indexOf('-');
        if (dash <= 0) return null;
        try {
            return new long[]{Long.parseLong(id.substring(0, dash).trim()), Integer.parseInt(id.substring(dash + 1).trim())};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
