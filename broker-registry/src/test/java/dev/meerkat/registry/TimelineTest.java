package dev.meerkat.registry;

import dev.meerkat.registry.model.KafkaEvent;
import dev.meerkat.registry.model.Timeline;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TimelineTest {
    private static KafkaEvent event(long zxid, int ordinal) {
        return new KafkaEvent(KafkaEvent.id(zxid, ordinal), zxid, ordinal, 0, "/", KafkaEvent.Type.BROKER_REGISTERED, 1, null, null, "m", Map.of());
    }

    @Test
    void keepsTheNewestAndResumesAfterAnId() {
        Timeline t = new Timeline(5);
        t.addAll(IntStream.range(0, 8).mapToObj(i -> event(10 + i / 2, i % 2)).toList());
        assertThat(t.all()).extracting(KafkaEvent::id).containsExactly("11-1", "12-0", "12-1", "13-0", "13-1");
        assertThat(t.after("12-0").events()).extracting(KafkaEvent::id).containsExactly("12-1", "13-0", "13-1");
        assertThat(t.after("13-1").events()).isEmpty();
        assertThat(t.after(null).events()).hasSize(5);
        assertThat(t.after("garbage").events()).hasSize(5);
        Timeline.After old = t.after("10-0");
        assertThat(old.truncated()).as("events in between were dropped").isTrue();
        assertThat(old.events()).hasSize(5);
        assertThat(t.after("11-0").truncated()).isFalse();
        assertThat(List.copyOf(t.after("12-5").events())).extracting(KafkaEvent::id).containsExactly("13-0", "13-1");
    }
}
