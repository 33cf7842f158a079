package dev.meerkat.registry.http;

import dev.meerkat.registry.BrokerRegistry;
import dev.meerkat.registry.RegistryView;
import dev.meerkat.registry.model.KafkaEvent;
import dev.meerkat.registry.model.Timeline;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /api/kafka/events}: Server-Sent Events. A new stream gets the cluster list and the
 * timeline (or, with {@code Last-Event-ID}, only what came after that event), then everything live.
 * Timeline events carry ids; {@code clusters} messages (the whole list, whenever it changes) carry
 * none, so a browser's Last-Event-ID always names a timeline event.
 *
 * <p>The registry thread only schedules a flush on each stream's event loop; the flush writes what is
 * new unless the connection's write queue is full, in which case it waits for the drain. A client
 * that falls further behind than the timeline keeps gets a {@code reset} message.
 */
final class EventStreams {
    private static final long KEEPALIVE_MS = 15_000;

    private final BrokerRegistry registry;
    private final ClusterJson clusterJson;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean keepaliveStarted = new AtomicBoolean();

    EventStreams(BrokerRegistry registry, ClusterJson clusterJson) {
        this.registry = registry;
        this.clusterJson = clusterJson;
        registry.onPublish(() -> streams.forEach(Stream::schedule));
    }

    void open(RoutingContext ctx) {
        if (streams.size() >= registry.options().maxEventStreams()) {
            ctx.response().setStatusCode(503).putHeader("Retry-After", "10").end("too many event streams\n");
            return;
        }
        String lastId = ctx.request().getHeader("Last-Event-ID");
        if (lastId == null) lastId = ctx.request().getParam("lastEventId");
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        Stream s = new Stream(response, ctx.vertx().getOrCreateContext(), lastId);
        streams.add(s);
        response.closeHandler(v -> streams.remove(s));
        response.exceptionHandler(e -> streams.remove(s));
        response.write("retry: 2000\n\n");
        if (keepaliveStarted.compareAndSet(false, true)) {
            ctx.vertx().setPeriodic(KEEPALIVE_MS, id -> streams.forEach(Stream::keepalive));
        }
        s.flush();
    }

    int size() {
        return streams.size();
    }

    private final class Stream {
        final HttpServerResponse response;
        final Context context;
        final AtomicBoolean scheduled = new AtomicBoolean();
        String lastEventId;
        long sentVersion = -1;
        boolean closed;

        Stream(HttpServerResponse response, Context context, String lastEventId) {
            this.response = response;
            this.context = context;
            this.lastEventId = lastEventId == null || lastEventId.isBlank() ? null : lastEventId.trim();
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) context.runOnContext(v -> flush());
        }

        void keepalive() {
            context.runOnContext(v -> {
                if (!closed && !response.writeQueueFull()) response.write(": keepalive\n\n");
            });
        }

        void flush() {
            scheduled.set(false);
            if (closed || response.closed() || response.ended()) {
                closed = true;
                streams.remove(this);
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> flush());
                return;
            }
            StringBuilder out = new StringBuilder();
            RegistryView view = registry.view();
            if (view.version() != sentVersion) {
                out.append("event: clusters\ndata: ").append(clusterJson.stateJson(view)).append("\n\n");
                sentVersion = view.version();
            }
            Timeline.After after = registry.timeline().after(lastEventId);
            if (after.truncated()) out.append("event: reset\ndata: {\"reason\":\"the events after ").append(lastEventId)
                    .append(" are no longer kept\"}\n\n");
            List<KafkaEvent> events = after.events();
            for (KafkaEvent e : events) {
                out.append("id: ").append(e.id()).append("\nevent: kafka\ndata: ").append(Json.write(e)).append("\n\n");
            }
            if (!events.isEmpty()) lastEventId = events.get(events.size() - 1).id();
            if (!out.isEmpty()) response.write(out.toString());
        }
    }
}
