package dev.meerkat.registry.kafka;

import java.util.List;
import java.util.Map;

/**
 * {@code brokers/ids/<id>}: what a broker registers (Kafka's BrokerIdZNode, version 4/5).
 *
 * @param endpoints          advertised listeners, e.g. {@code PLAINTEXT://10.0.0.1:9092}
 * @param securityProtocols  listener name to security protocol
 * @param timestampMs        when the broker registered, by its own clock; null when absent
 * @param features           supported feature ranges (version 5), name to {min, max}
 */
public record BrokerRegistration(int version, List<String> endpoints, Map<String, String> securityProtocols, String rack,
                                 String host, int port, int jmxPort, Long timestampMs, Map<String, List<Integer>> features) {
}
