package dev.meerkat.registry.http;

import dev.meerkat.registry.RegistryView;
import dev.meerkat.registry.model.ClusterModel;

import java.util.concurrent.atomic.AtomicReference;

/** The cluster list as JSON, written once per published view however many clients ask for it. */
final class ClusterJson {
    private record Cached(long version, String json) {
    }

    private final AtomicReference<Cached> cached = new AtomicReference<>(new Cached(-1, "[]"));

    String list(RegistryView view) {
        Cached c = cached.get();
        if (c.version() == view.version()) return c.json();
        String json = Json.write(view.clusters().values().stream().map(ClusterModel::summary).toList());
        cached.set(new Cached(view.version(), json));
        return json;
    }

    /** What an event stream sends as {@code clusters}: the list plus the view's position and the server's clock. */
    String stateJson(RegistryView view) {
        return "{\"version\":" + view.version() + ",\"ready\":" + view.ready() + ",\"zxid\":" + view.zxid()
                + ",\"serverTime\":" + System.currentTimeMillis() + ",\"clusters\":" + list(view) + "}";
    }
}
