package dev.meerkat.server.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The admin HTTP server ({@code admin.serverAddress}:{@code admin.serverPort}): one vertx-web
 * router that every {@link HttpRoutes} mounts onto. It never carries client (ZooKeeper) traffic.
 */
public final class AdminHttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);

    private final HttpServer server;

    private AdminHttpServer(HttpServer server) {
        this.server = server;
    }

    /** Binds {@code host:port} (0 = a free port, read it back with {@link #port()}) and serves the routes. */
    public static Future<AdminHttpServer> start(Vertx vertx, String host, int port, List<HttpRoutes> routes) {
        return start(vertx, "admin HTTP server", host, port, routes);
    }

    /** As {@link #start(Vertx, String, int, List)}, naming the server in its log line (e.g. the Prometheus endpoint). */
    public static Future<AdminHttpServer> start(Vertx vertx, String name, String host, int port, List<HttpRoutes> routes) {
        Router router = Router.router(vertx);
        for (HttpRoutes r : routes) r.mount(router);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setReuseAddress(true));
        return server.requestHandler(router).listen().map(s -> {
            LOG.info("{} on http://{}:{}/", name, host, s.actualPort());
            return new AdminHttpServer(s);
        });
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }
}
