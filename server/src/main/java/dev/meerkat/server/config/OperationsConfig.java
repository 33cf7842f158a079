package dev.meerkat.server.config;

import java.nio.file.Path;

/**
 * How a server is operated: the AdminServer beyond its address, the Prometheus endpoint, and what
 * the configuration commands report.
 *
 * @param adminCommandUrl        admin.commandURL: where the commands live ("/commands")
 * @param adminRequired          true when the file set any admin.* key: then failing to bind stops the
 *                               server; with the defaults a busy port 8080 only costs a warning
 * @param metricsProviderClass   metricsProvider.className, or null (no Prometheus port)
 * @param metricsHost            metricsProvider.httpHost ("0.0.0.0")
 * @param metricsPort            metricsProvider.httpPort (7000; 0 = a free port)
 * @param metricsExportJvmInfo   metricsProvider.exportJvmInfo: JVM and process metrics too
 * @param adminSnapshotEnabled   admin.snapshot.enabled: whether the snapshot command serves downloads
 * @param fsyncWarningThresholdMs fsync.warningthresholdms: a log sync slower than this is warned about
 * @param initialConfig          the configuration file's text (initial_configuration), or null
 * @param configFile             the file it came from, or null
 */
public record OperationsConfig(String adminCommandUrl, boolean adminRequired, String metricsProviderClass, String metricsHost,
                               int metricsPort, boolean metricsExportJvmInfo, boolean adminSnapshotEnabled,
                               long fsyncWarningThresholdMs, String initialConfig, Path configFile) {

    public static final String PROMETHEUS_PROVIDER = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";
    public static final int DEFAULT_METRICS_PORT = 7000;

    public static OperationsConfig defaults() {
        return new OperationsConfig("/commands", false, null, "0.0.0.0", DEFAULT_METRICS_PORT, true, true, 1000, null, null);
    }

    public boolean prometheusEnabled() {
        return metricsProviderClass != null;
    }

    public OperationsConfig withPrometheus(String host, int port) {
        return new OperationsConfig(adminCommandUrl, adminRequired, PROMETHEUS_PROVIDER, host, port, metricsExportJvmInfo,
                adminSnapshotEnabled, fsyncWarningThresholdMs, initialConfig, configFile);
    }

    public OperationsConfig withAdminRequired(boolean required) {
        return new OperationsConfig(adminCommandUrl, required, metricsProviderClass, metricsHost, metricsPort, metricsExportJvmInfo,
                adminSnapshotEnabled, fsyncWarningThresholdMs, initialConfig, configFile);
    }
}
