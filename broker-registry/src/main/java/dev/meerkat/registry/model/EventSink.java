package dev.meerkat.registry.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the events of the entries being applied, numbering them {@code zxid-ordinal}. Muted while
 * the first image of the tree is read: a baseline is not history.
 */
public final class EventSink {
    private final List<KafkaEvent> events = new ArrayList<>();
    private long zxid = -1;
    private long timeMs;
    private int nextOrdinal;
    private boolean muted;

    /** Starts an entry; a second start at the same zxid (a resync right after it) continues its numbering. */
    public void begin(long entryZxid, long entryTimeMs, boolean mute) {
        if (entryZxid != zxid) {
            zxid = entryZxid;
            nextOrdinal = 0;
        }
        timeMs = entryTimeMs;
        muted = mute;
    }

    /** Continues numbering after events loaded from disk. */
    public void resumeAfter(long lastZxid, int lastOrdinal) {
        zxid = lastZxid;
        nextOrdinal = lastOrdinal + 1;
    }

    public void emit(String chroot, KafkaEvent.Type type, Integer brokerId, String topic, Integer partition, String message, Object... keyValues) {
        if (muted) return;
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) details.put((String) keyValues[i], keyValues[i + 1]);
        int ordinal = nextOrdinal++;
        events.add(new KafkaEvent(KafkaEvent.id(zxid, ordinal), zxid, ordinal, timeMs, chroot, type, brokerId, topic, partition,
                message, Collections.unmodifiableMap(details)));
    }

    public List<KafkaEvent> take() {
        List<KafkaEvent> out = List.copyOf(events);
        events.clear();
        return out;
    }
}
