package dev.meerkat.registry.model;

import java.util.List;
import java.util.Map;

/**
 * One Kafka cluster as {@code GET /api/kafka/clusters} shows it. Immutable: built on the registry
 * thread, read by HTTP handlers and meters on any thread.
 *
 * @param zxid the last entry reflected in this view
 */
public record ClusterView(String chroot, String clusterId, Controller controller, List<Broker> brokers, Counts counts,
                          List<String> deletingTopics, List<String> reassigningTopics, int pendingIsrChangeNotifications,
                          Map<String, List<Integer>> finalizedFeatures, List<Problem> problems, long zxid, String topicsUrl) {

    /** @param electedAt when the controller znode was created (leader's clock), null without a controller */
    public record Controller(Integer brokerId, Integer epoch, Long electedAt, String problem) {
    }

    /**
     * @param epoch        the broker epoch: czxid of its registration znode
     * @param registeredAt when that znode was created (leader's clock, epoch ms)
     * @param sessionId    the ZooKeeper session that holds the registration
     * @param reachable    what the last probe found; null when the probe is off or has not run yet
     */
    public record Broker(int id, List<String> endpoints, Map<String, String> securityProtocols, String rack, long epoch,
                         long registeredAt, String sessionId, Boolean reachable, Probe probe, Long brokerTimestamp,
                         Map<String, List<Integer>> features, String problem) {
    }

    /** @param level {@code api} (ApiVersions answered) or {@code tcp} (TLS listener: only the connect was checked) */
    public record Probe(String endpoint, boolean reachable, String level, double latencyMs, String error, long checkedAt) {
    }

    public record Counts(int brokers, int unreachableBrokers, int topics, int partitions, int underReplicated, int underMinIsr,
                         int offline) {
    }

    /** A Kafka znode that could not be read; the rest of the view is built without it. */
    public record Problem(String path, String reason, String preview) {
    }
}
