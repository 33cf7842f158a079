package dev.meerkat.registry.model;

import java.util.List;
import java.util.Map;

/** One topic of a cluster with its partitions, as {@code GET /api/kafka/clusters/{chroot}/topics[/{topic}]} shows it. */
public record TopicView(String name, String topicId, int partitionCount, int replicationFactor, Map<String, String> config,
                        boolean deleting, boolean reassigning, int underReplicated, int underMinIsr, int offline,
                        List<Partition> partitions, String problem) {

    /**
     * @param leader  -1 when the partition has no leader
     * @param minIsr  the min.insync.replicas in force: the topic's, else the leader's broker config, else the cluster default, else 1
     * @param offline no leader, or a leader that is not a live broker
     * @param problem why the state could not be read (missing or malformed state znode), else null
     */
    public record Partition(int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
                            List<Integer> addingReplicas, List<Integer> removingReplicas, int minIsr,
                            boolean underReplicated, boolean underMinIsr, boolean offline, String problem) {
    }
}
