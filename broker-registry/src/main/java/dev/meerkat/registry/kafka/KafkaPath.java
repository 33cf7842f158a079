package dev.meerkat.registry.kafka;

/**
 * A znode path read as part of a Kafka cluster's layout: which cluster (its chroot, "/" for the
 * root), what kind of znode, and the names in it.
 *
 * @param name      broker id, topic or config entity; null where the kind has none
 * @param partition the partition for {@link Kind#PARTITION_STATE}, else -1
 */
public record KafkaPath(String chroot, Kind kind, String name, int partition) {
    public enum Kind {
        BROKER_IDS, BROKER, TOPICS, TOPIC, PARTITION_STATE, CONTROLLER, CONTROLLER_EPOCH, CLUSTER_ID,
        TOPIC_CONFIG, BROKER_CONFIG, DELETE_TOPIC, REASSIGNMENT, ISR_CHANGE, FEATURE
    }

    /** The znode's path inside the cluster, for messages. */
    public static String absolute(String chroot, String relative) {
        return chroot.equals("/") ? "/" + relative : chroot + "/" + relative;
    }
}
