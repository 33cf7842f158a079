package dev.meerkat.registry.http;

import dev.meerkat.registry.BrokerRegistry;
import dev.meerkat.registry.model.ClusterModel;
import dev.meerkat.registry.model.TopicView;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;

/**
 * The registry's part of the admin HTTP server. Read-only: every route is a GET. Handlers run on
 * event loops and only read the published view (JSON for the cluster list is cached per view).
 *
 * <ul>
 *   <li>{@code GET /api/kafka/clusters}: every cluster with brokers, controller and counts</li>
 *   <li>{@code GET /api/kafka/clusters/{chroot}/topics} and {@code .../topics/{topic}}: partitions
 *       with leader, ISR, replicas and flags; {@code {chroot}} URL-encoded ({@code %2Fkafka}, {@code %2F}
 *       for the root) or with plain slashes ({@code /api/kafka/clusters/kafka/main/topics})</li>
 *   <li>{@code GET /api/kafka/events}: the timeline as Server-Sent Events, with Last-Event-ID resume</li>
 *   <li>{@code GET /}: the dashboard (static files from the jar, no build step, nothing from elsewhere)</li>
 * </ul>
 */
public final class RegistryRoutes {
    private static final String CLUSTERS = "/api/kafka/clusters";
    private static final Map<String, String> ASSETS = Map.of(
            "/dashboard/dashboard.css", "text/css; charset=utf-8",
            "/dashboard/dashboard.js", "text/javascript; charset=utf-8");

    private final BrokerRegistry registry;
    private final ClusterJson clusterJson = new ClusterJson();
    private final Buffer index;
    private final Map<String, Buffer> assets;

    public RegistryRoutes(BrokerRegistry registry) {
        this.registry = registry;
        this.index = resource("index.html");
        this.assets = Map.of(
                "/dashboard/dashboard.css", resource("dashboard.css"),
                "/dashboard/dashboard.js", resource("dashboard.js"));
    }

    public void mount(Router router) {
        EventStreams streams = new EventStreams(registry, clusterJson);
        router.get(CLUSTERS).handler(ctx -> json(ctx, 200, clusterJson.list(registry.view())));
        router.getWithRegex(CLUSTERS + "/.+").handler(this::clusterPath);
        router.get("/api/kafka/events").handler(streams::open);
        // The page loads nothing from anywhere but this server, and says so to the browser.
        router.get("/").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Cache-Control", "no-cache").end(index));
        for (Map.Entry<String, Buffer> a : assets.entrySet()) {
            String type = ASSETS.get(a.getKey());
            router.get(a.getKey()).handler(ctx -> ctx.response().putHeader("Content-Type", type)
                    .putHeader("Cache-Control", "no-cache").end(a.getValue()));
        }
    }

    private void clusterPath(RoutingContext ctx) {
        String raw = ctx.request().path().substring(CLUSTERS.length() + 1);
        String rest = "/" + stripSlashes(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
        Map<String, ClusterModel> clusters = registry.view().clusters();
        // The longest chroot that reads the rest as ".../topics[/name]" wins: chroots may hold slashes.
        ClusterModel match = null;
        String topic = null;
        for (ClusterModel m : clusters.values().stream()
                .sorted(Comparator.comparingInt((ClusterModel m) -> m.summary().chroot().length()).reversed()).toList()) {
            String chroot = m.summary().chroot();
            String prefix = (chroot.equals("/") ? "" : chroot) + "/topics";
            if (rest.equals(prefix) || rest.equals(prefix + "/")) {
                match = m;
                break;
            }
            if (rest.startsWith(prefix + "/") && rest.indexOf('/', prefix.length() + 1) < 0) {
                match = m;
                topic = rest.substring(prefix.length() + 1);
                break;
            }
        }
        if (match == null) {
            json(ctx, 404, Json.write(Map.of("error", "no Kafka cluster matches " + ctx.request().path(),
                    "clusters", clusters.keySet())));
            return;
        }
        if (topic == null) {
            json(ctx, 200, Json.write(match.topics().values()));
            return;
        }
        TopicView t = match.topics().get(topic);
        if (t == null) {
            json(ctx, 404, Json.write(Map.of("error", "no topic " + topic + " in the cluster at " + match.summary().chroot())));
            return;
        }
        json(ctx, 200, Json.write(t));
    }

    private static String stripSlashes(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '/') i++;
        return s.substring(i);
    }

    private static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-cache").end(body);
    }

    private static Buffer resource(String name) {
        String path = "dev/meerkat/registry/web/" + name;
        try (InputStream in = RegistryRoutes.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("the dashboard file " + path + " is missing from the jar");
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
