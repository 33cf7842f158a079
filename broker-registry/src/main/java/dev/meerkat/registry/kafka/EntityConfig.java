package dev.meerkat.registry.kafka;

import java.util.SortedMap;

/** {@code config/topics/<topic>} or {@code config/brokers/<id|<default>>}: dynamic configuration overrides. */
public record EntityConfig(int version, SortedMap<String, String> config) {
}
