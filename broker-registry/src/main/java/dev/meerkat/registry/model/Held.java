package dev.meerkat.registry.model;

import dev.meerkat.core.api.Stat;
import dev.meerkat.registry.kafka.Decoded;

/** A Kafka znode as the registry holds it: its stat and its decoded content (decoded once per version). */
public record Held<T>(String path, Stat stat, Decoded<T> decoded, byte[] raw) {
    public T value() {
        return decoded.valueOrNull();
    }

    public boolean sameVersionAs(Stat other) {
        return other != null && other.czxid() == stat.czxid() && other.mzxid() == stat.mzxid();
    }
}
