package dev.meerkat.core.watch;

import dev.meerkat.core.api.EventType;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.tree.PathRules;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which watcher waits for what, and who hears of each change, with ZooKeeper's rules:
 * data events reach DATA and PERSISTENT watches on the path and RECURSIVE ones on it or an
 * ancestor; NodeChildrenChanged reaches CHILD and PERSISTENT watches on the parent (never
 * RECURSIVE ones); a deletion also ends CHILD watches on the node itself. One-shot watches go once
 * fired; each watcher hears of an event once however many of its watches match.
 *
 * <p>Not replicated: watches belong to a connection on one server. Owned by the tree's thread.
 */
public final class WatchManager {
    private final EnumMap<WatchKind, Map<String, Set<Watcher>>> tables = new EnumMap<>(WatchKind.class);
    /** Reverse index so a closing connection's watches go without scanning every path. */
    private final Map<Watcher, EnumMap<WatchKind, Set<String>>> byWatcher = new IdentityHashMap<>();
    private int recursiveCount;

    public WatchManager() {
        for (WatchKind k : WatchKind.values()) tables.put(k, new HashMap<>());
    }

    public void add(WatchKind kind, String path, Watcher watcher) {
        if (tables.get(kind).computeIfAbsent(path, p -> new LinkedHashSet<>()).add(watcher)) {
            byWatcher.computeIfAbsent(watcher, w -> new EnumMap<>(WatchKind.class))
                    .computeIfAbsent(kind, k -> new HashSet<>()).add(path);
            if (kind == WatchKind.RECURSIVE) recursiveCount++;
        }
    }

    public boolean contains(WatchKind kind, String path, Watcher watcher) {
        Set<Watcher> set = tables.get(kind).get(path);
        return set != null && set.contains(watcher);
    }

    public boolean remove(WatchKind kind, String path, Watcher watcher) {
        Map<String, Set<Watcher>> table = tables.get(kind);
        Set<Watcher> set = table.get(path);
        if (set == null || !set.remove(watcher)) return false;
        if (set.isEmpty()) table.remove(path);
        EnumMap<WatchKind, Set<String>> mine = byWatcher.get(watcher);
        if (mine != null) {
            Set<String> paths = mine.get(kind);
            if (paths != null) {
                paths.remove(path);
                if (paths.isEmpty()) mine.remove(kind);
            }
            if (mine.isEmpty()) byWatcher.remove(watcher);
        }
        if (kind == WatchKind.RECURSIVE) recursiveCount--;
        return true;
    }

    /** Drops every watch of a connection that went away. */
    public void removeAll(Watcher watcher) {
        EnumMap<WatchKind, Set<String>> mine = byWatcher.remove(watcher);
        if (mine == null) return;
        mine.forEach((kind, paths) -> {
            Map<String, Set<Watcher>> table = tables.get(kind);
            for (String path : paths) {
                Set<Watcher> set = table.get(path);
                if (set != null && set.remove(watcher) && set.isEmpty()) table.remove(path);
                if (kind == WatchKind.RECURSIVE) recursiveCount--;
            }
        });
    }

    /** How many watches {@code watcher} holds (one connection's: what meerkat.maxWatchesPerSession bounds). */
    public int countOf(Watcher watcher) {
        EnumMap<WatchKind, Set<String>> mine = byWatcher.get(watcher);
        if (mine == null) return 0;
        int n = 0;
        for (Set<String> paths : mine.values()) n += paths.size();
        return n;
    }

    public int watchCount() {
        int n = 0;
        for (Map<String, Set<Watcher>> t : tables.values()) {
            for (Set<Watcher> s : t.values()) n += s.size();
        }
        return n;
    }

    public int watchedPathCount() {
        Set<String> paths = new HashSet<>();
        for (Map<String, Set<Watcher>> t : tables.values()) paths.addAll(t.keySet());
        return paths.size();
    }

    /** Delivers one change to everyone watching for it. */
    public void trigger(WatchEvent event) {
        Set<Watcher> targets = new LinkedHashSet<>();
        String path = event.path();
        if (event.type() == EventType.NODE_CHILDREN_CHANGED) {
            take(WatchKind.CHILD, path, targets, true);
            take(WatchKind.PERSISTENT, path, targets, false);
        } else {
            take(WatchKind.DATA, path, targets, true);
            if (event.type() == EventType.NODE_DELETED) take(WatchKind.CHILD, path, targets, true);
            take(WatchKind.PERSISTENT, path, targets, false);
            if (recursiveCount > 0) {
                for (String p = path; ; p = PathRules.parent(p)) {
                    take(WatchKind.RECURSIVE, p, targets, false);
                    if (p.equals("/")) break;
                }
            }
        }
        for (Watcher w : targets) deliver(w, event);
    }

    /** Hands an event over; a watcher that throws loses its watches (its connection is told to go). */
    public void deliver(Watcher w, WatchEvent event) {
        try {
            w.process(event);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(WatchManager.class).error("delivering {} to {} failed; its watches are dropped", event, w, e);
            removeAll(w);
            w.failed(e);
        }
    }

    private void take(WatchKind kind, String path, Set<Watcher> into, boolean oneShot) {
        Map<String, Set<Watcher>> table = tables.get(kind);
        Set<Watcher> set = table.get(path);
        if (set == null) return;
        into.addAll(set);
        if (oneShot) {
            table.remove(path);
            for (Watcher w : set) {
                EnumMap<WatchKind, Set<String>> mine = byWatcher.get(w);
                if (mine == null) continue;
                Set<String> paths = mine.get(kind);
                if (paths != null) {
                    paths.remove(path);
                    if (paths.isEmpty()) mine.remove(kind);
                }
                if (mine.isEmpty()) byWatcher.remove(w);
            }
        }
    }
}
