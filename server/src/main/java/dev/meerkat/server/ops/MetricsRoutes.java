package dev.meerkat.server.ops;

import dev.meerkat.server.http.HttpRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * {@code GET /metrics}: the server's Micrometer registry in the Prometheus text format, ZooKeeper's
 * metric names first among them. The scrape runs on a worker thread, so a large registry never
 * holds up an event loop.
 */
public final class MetricsRoutes implements HttpRoutes {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Vertx vertx;

    public MetricsRoutes(PrometheusMeterRegistry registry, Vertx vertx) {
        this.registry = registry;
        this.vertx = vertx;
    }

    @Override
    public void mount(Router router) {
        router.get("/metrics").handler(ctx -> vertx.executeBlocking(registry::scrape, false).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().putHeader("content-type", CONTENT_TYPE).end(ar.result());
            } else {
                ctx.response().setStatusCode(500).end("scrape failed: " + ar.cause().getMessage() + "\n");
            }
        }));
    }
}
