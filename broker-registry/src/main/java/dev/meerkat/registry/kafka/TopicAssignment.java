package dev.meerkat.registry.kafka;

import java.util.List;
import java.util.SortedMap;

/** {@code brokers/topics/<topic>}: replicas per partition, the topic id, and replicas being added or removed by a reassignment. */
public record TopicAssignment(int version, String topicId, SortedMap<Integer, List<Integer>> partitions,
                              SortedMap<Integer, List<Integer>> addingReplicas, SortedMap<Integer, List<Integer>> removingReplicas) {
    public boolean reassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }
}
