package dev.meerkat.server.config;

/**
 * The Kafka broker registry (live model, timeline, meters, and on the admin HTTP server the REST/SSE
 * API and dashboard) and its reachability probe.
 *
 * @param enabled         kafka.registry.enabled: whether the registry runs at all
 * @param probeEnabled    kafka.probe.enabled: whether registered brokers' endpoints are checked
 * @param probeIntervalMs kafka.probe.intervalMs: how often each registered broker is checked
 * @param probeTimeoutMs  kafka.probe.timeoutMs: the bound of one check
 */
public record KafkaViewConfig(boolean enabled, boolean probeEnabled, int probeIntervalMs, int probeTimeoutMs) {
    public static KafkaViewConfig defaults() {
        return new KafkaViewConfig(true, true, 10_000, 2_000);
    }

    public static KafkaViewConfig disabled() {
        return new KafkaViewConfig(false, false, 10_000, 2_000);
    }
}
