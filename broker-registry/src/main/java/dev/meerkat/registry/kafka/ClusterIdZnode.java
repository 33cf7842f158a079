package dev.meerkat.registry.kafka;

/** {@code cluster/id}. */
public record ClusterIdZnode(String version, String id) {
}
