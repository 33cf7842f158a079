package dev.meerkat.core.stats;

import dev.meerkat.core.state.Session;
import dev.meerkat.core.watch.Watcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The listings ZooKeeper's wchc, wchp and dump print. Each walks the index it lists (watches,
 * sessions and their ephemerals), never the tree, and returns immutable copies.
 */
public final class Inspections {
    private Inspections() {
    }

    /** Data-table watches by session id: wchc and the watches command. */
    public static Inspection<Map<Long, List<String>>> dataWatchesBySession() {
        return ctx -> {
            Map<Long, List<String>> out = new LinkedHashMap<>();
            ctx.watches().dataWatchesByWatcher().forEach((w, paths) ->
                    out.computeIfAbsent(w.sessionId(), id -> new ArrayList<>()).addAll(paths));
            return freeze(out);
        };
    }

    /** Data-table watches by path, with the session ids watching: wchp and watches_by_path. */
    public static Inspection<Map<String, List<Long>>> dataWatchesByPath() {
        return ctx -> {
            Map<String, List<Long>> out = new LinkedHashMap<>();
            ctx.watches().dataWatchesByPath().forEach((path, watchers) -> {
                List<Long> ids = new ArrayList<>(watchers.size());
                for (Watcher w : watchers) ids.add(w.sessionId());
                out.put(path, List.copyOf(ids));
            });
            return java.util.Collections.unmodifiableMap(out);
        };
    }

    /** One session as dump lists it. */
    public record SessionEntry(long id, int timeoutMs, Long lastHeardNanos, List<String> ephemerals) {
    }

    /** Sessions by id with their timeouts, when they were last heard from, and their ephemeral nodes: dump. */
    public static Inspection<List<SessionEntry>> sessions() {
        return ctx -> {
            Map<Long, Session> sorted = new TreeMap<>(ctx.state().sessions());
            List<SessionEntry> out = new ArrayList<>(sorted.size());
            for (Session s : sorted.values()) {
                out.add(new SessionEntry(s.id(), s.timeoutMs(), ctx.lastHeardNanos(s.id()),
                        List.copyOf(ctx.state().tree().ephemeralsOf(s.id()))));
            }
            return List.copyOf(out);
        };
    }

    private static <K, V> Map<K, List<V>> freeze(Map<K, List<V>> m) {
        Map<K, List<V>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
