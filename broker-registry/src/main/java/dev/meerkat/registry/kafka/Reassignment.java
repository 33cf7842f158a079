package dev.meerkat.registry.kafka;

import java.util.List;

/** {@code admin/reassign_partitions}: a reassignment requested the old (pre-2.4, ZooKeeper) way. */
public record Reassignment(int version, List<Target> partitions) {
    public record Target(String topic, int partition, List<Integer> replicas) {
    }
}
