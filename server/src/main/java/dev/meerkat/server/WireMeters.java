package dev.meerkat.server;

import dev.meerkat.wire.server.ServerMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToDoubleFunction;

/**
 * The client port's counters as meters: connections, and each limit and authentication check
 * that bit (one counter per reason), so that what the log says once per interval can be graphed.
 */
final class WireMeters {
    private WireMeters() {
    }

    static void bind(ServerMetrics m, MeterRegistry registry) {
        Gauge.builder("meerkat_client_connections", m, ServerMetrics::connections).description("open client connections").register(registry);
        Gauge.builder("meerkat_client_requests_outstanding", m, ServerMetrics::outstanding)
                .description("client requests in the server (globalOutstandingLimit bounds them)").register(registry);
        Gauge.builder("meerkat_client_connections_throttled", m, ServerMetrics::throttledConnections)
                .description("connections not read from because of globalOutstandingLimit").register(registry);
        counter(registry, m, "handshake_timeout", "no complete ConnectRequest within meerkat.handshakeTimeoutMs", ServerMetrics::handshakeTimeouts);
        counter(registry, m, "outbound_limit", "disconnected: replies owed beyond meerkat.maxOutboundBytes", ServerMetrics::outboundLimitDisconnects);
        counter(registry, m, "max_cnxns", "connections refused: maxCnxns", ServerMetrics::connectionsRefusedTotal);
        counter(registry, m, "max_client_cnxns", "connections refused: maxClientCnxns from one address", ServerMetrics::connectionsRefusedPerAddress);
        counter(registry, m, "global_outstanding_limit", "times a connection was throttled by globalOutstandingLimit", ServerMetrics::throttleEvents);
        counter(registry, m, "max_watches", "watches refused: meerkat.maxWatchesPerSession", ServerMetrics::watchesRefused);
        counter(registry, m, "max_multi_ops", "multis refused: meerkat.maxMultiOps", ServerMetrics::multisRefused);
        counter(registry, m, "quota_exceeded", "writes refused: a hard quota (zookeeper.enforceQuota)", ServerMetrics::quotaExceeded);
        FunctionCounter.builder("meerkat_client_auth_failures_total", m, ServerMetrics::authFailures)
                .description("failed or missing authentication (auth, SASL, enforce.auth)").register(registry);
        FunctionCounter.builder("meerkat_client_tls_failures_total", m, ServerMetrics::tlsHandshakeFailures)
                .description("TLS handshakes that failed or certificates refused").register(registry);
        FunctionCounter.builder("meerkat_client_internal_errors_total", m, ServerMetrics::requestsFailedInternally)
                .description("connections closed because serving them failed inside the server").register(registry);
    }

    private static void counter(MeterRegistry registry, ServerMetrics m, String limit, String description, ToDoubleFunction<ServerMetrics> f) {
        FunctionCounter.builder("meerkat_client_limit_hits_total", m, f).tag("limit", limit).description(description).register(registry);
    }
}
