package dev.meerkat.registry;

import java.nio.file.Path;

/**
 * How the broker registry runs.
 *
 * @param probeEnabled     whether registered brokers' endpoints are checked (kafka-clients' ApiVersions)
 * @param probeIntervalMs  how often every registered broker is checked (new registrations at once)
 * @param probeTimeoutMs   the bound of one check: connect plus answer
 * @param probeConcurrency checks at once, on the probe's own threads
 * @param timelineCapacity events kept (in memory, and on disk when {@code timelineFile} is set)
 * @param timelineFile     where the timeline survives restarts; null keeps it in memory only
 * @param feedCapacity     committed entries the tree thread may queue ahead of the registry before it resyncs instead
 * @param maxEventStreams  concurrent {@code /api/kafka/events} streams; more are refused with 503
 */
public record RegistryOptions(boolean probeEnabled, int probeIntervalMs, int probeTimeoutMs, int probeConcurrency,
                              int timelineCapacity, Path timelineFile, int feedCapacity, int maxEventStreams) {

    public static RegistryOptions defaults() {
        return new RegistryOptions(true, 10_000, 2_000, 2, 1000, null, 4096, 64);
    }

    public RegistryOptions withProbe(boolean enabled, int intervalMs, int timeoutMs) {
        return new RegistryOptions(enabled, intervalMs, timeoutMs, probeConcurrency, timelineCapacity, timelineFile, feedCapacity, maxEventStreams);
    }

    public RegistryOptions withTimeline(int capacity, Path file) {
        return new RegistryOptions(probeEnabled, probeIntervalMs, probeTimeoutMs, probeConcurrency, capacity, file, feedCapacity, maxEventStreams);
    }

    public RegistryOptions withFeedCapacity(int capacity) {
        return new RegistryOptions(probeEnabled, probeIntervalMs, probeTimeoutMs, probeConcurrency, timelineCapacity, timelineFile, capacity, maxEventStreams);
    }
}
