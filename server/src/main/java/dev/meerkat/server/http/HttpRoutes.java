package dev.meerkat.server.http;

import io.vertx.ext.web.Router;

/**
 * A part of Meerkat that serves pages or JSON on the admin HTTP server (the AdminServer commands,
 * the broker dashboard and its API). Every part mounts onto the one server, so an operator opens a
 * single port. Handlers run on an event loop: they read published, immutable views and never wait.
 */
@FunctionalInterface
public interface HttpRoutes {
    void mount(Router router);
}
