package dev.meerkat.server.ops;

import dev.meerkat.server.http.HttpRoutes;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * ZooKeeper's AdminServer on the admin HTTP server: {@code GET <commandURL>} lists the commands as
 * links, {@code GET <commandURL>/<name>} runs one and answers JSON (or streams the snapshot),
 * {@code POST <commandURL>/<name>} runs a POST command.
 */
public final class AdminRoutes implements HttpRoutes {
    private final AdminCommands commands;
    private final String url;

    public AdminRoutes(AdminCommands commands, String commandUrl) {
        this.commands = commands;
        this.url = commandUrl;
    }

    @Override
    public void mount(Router router) {
        router.get(url).handler(this::list);
        router.get(url + "/").handler(this::list);
        router.get(url + "/:name").handler(ctx -> run(ctx, false));
        router.post(url + "/:name").handler(ctx -> run(ctx, true));
    }

    /** ZooKeeper's command index: one link per primary name, each followed by a line break. */
    private void list(RoutingContext ctx) {
        StringBuilder sb = new StringBuilder();
        for (String name : commands.primaryNames()) {
            sb.append("<a href=\"").append(url).append('/').append(name).append("\">").append(name).append("</a>\n<br/>\n");
        }
        ctx.response().putHeader("content-type", "text/html; charset=utf-8").end(sb.toString());
    }

    private void run(RoutingContext ctx, boolean post) {
        Map<String, String> params = new HashMap<>();
        ctx.queryParams().forEach(e -> params.putIfAbsent(e.getKey(), e.getValue()));
        String ip = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        AdminCommands.Request request = new AdminCommands.Request(ip, ctx.request().getHeader("Authorization"));
        commands.run(ctx.pathParam("name"), post, params, request).onComplete(ar -> {
            HttpServerResponse response = ctx.response();
            if (ar.failed()) {
                response.setStatusCode(503).putHeader("content-type", "application/json")
                        .end(CommandResult.error(ctx.pathParam("name"), ar.cause().getMessage(), 503).toJson().encodePrettily());
                return;
            }
            CommandResult r = ar.result();
            response.setStatusCode(r.status());
            r.headers().forEach(response::putHeader);
            if (r.download() != null) {
                response.putHeader("content-type", "application/octet-stream");
                response.sendFile(r.download().toString()).onComplete(v -> AdminCommands.deleteQuietly(r.download()));
            } else {
                response.putHeader("content-type", "application/json").end(r.toJson().encodePrettily());
            }
        });
    }
}
