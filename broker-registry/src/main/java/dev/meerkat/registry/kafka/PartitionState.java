package dev.meerkat.registry.kafka;

import java.util.List;

/** {@code brokers/topics/<topic>/partitions/<p>/state}: the leader and in-sync replicas the controller decided. */
public record PartitionState(int version, int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch,
                             Integer leaderRecoveryState) {
}
