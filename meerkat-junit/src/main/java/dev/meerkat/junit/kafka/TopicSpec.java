package dev.meerkat.junit.kafka;

/**
 * A topic to create when the cluster starts: {@code name}, {@code name:partitions} or
 * {@code name:partitions:replicationFactor}; what is left out takes the cluster's defaults.
 */
record TopicSpec(String name, int partitions, short replicationFactor) {

    static TopicSpec parse(String spec, int defaultPartitions, int defaultReplication) {
        String[] parts = spec.trim().split(":");
        if (parts.length > 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("a topic is name, name:partitions or name:partitions:replicas, not '" + spec + "'");
        }
        try {
            int partitions = parts.length > 1 ? Integer.parseInt(parts[1]) : defaultPartitions;
            int replicas = parts.length > 2 ? Integer.parseInt(parts[2]) : defaultReplication;
            if (partitions < 1 || replicas < 1 || replicas > Short.MAX_VALUE) {
                throw new IllegalArgumentException("topic '" + spec + "': partitions and replicas must be at least 1");
            }
            return new TopicSpec(parts[0], partitions, (short) replicas);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("topic '" + spec + "': partitions and replicas are numbers", e);
        }
    }
}
