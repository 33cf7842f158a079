package dev.meerkat.core.watch;

import dev.meerkat.core.api.EventType;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.tree.PathRules;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeSet;
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
 * <p>Counts are kept as watches come and go, as ZooKeeper reports them (its data-watch table
 * holds DATA, PERSISTENT and RECURSIVE watches, its child-watch table CHILD and PERSISTENT ones; a
 * watcher on a path counts once per table), so reporting them never walks the tables.
 *
 * <p>Not replicated: watches belong to a connection on one server. Owned by the tree's thread.
 */
public final class WatchManager {
    private static final WatchKind[] DATA_SIDE = {WatchKind.DATA, WatchKind.PERSISTENT, WatchKind.RECURSIVE};
    private static final WatchKind[] CHILD_SIDE = {WatchKind.CHILD, WatchKind.PERSISTENT};

    private final EnumMap<WatchKind, Map<String, Set<Watcher>>> tables = new EnumMap<>(WatchKind.class);
    /** Reverse index so a closing connection's watches go without scanning every path. */
    private final Map<Watcher, EnumMap<WatchKind, Set<String>>> byWatcher = new IdentityHashMap<>();
    private int recursiveCount;
    // Kept by addPair/removePair: (watcher, path) pairs per ZooKeeper table, and for the data table
    // the paths and watchers it holds.
    private int dataPairs;
    private int childPairs;
    private int dataPaths;
    private int dataWatchers;
    private java.util.function.ObjIntConsumer<EventType> onTrigger = (type, watchers) -> { };

    public WatchManager() {
        for (WatchKind k : WatchKind.values()) tables.put(k, new HashMap<>());
    }

    public void add(WatchKind kind, String path, Watcher watcher) {
        addPair(kind, path, watcher);
    }

    public boolean contains(WatchKind kind, String path, Watcher watcher) {
        Set<Watcher> set = tables.get(kind).get(path);
        return set != null && set.contains(watcher);
    }

    public boolean remove(WatchKind kind, String path, Watcher watcher) {
        return removePair(kind, path, watcher);
    }

    /** Drops every watch of a connection that went away. */
    public void removeAll(Watcher watcher) {
        EnumMap<WatchKind, Set<String>> mine = byWatcher.get(watcher);
        if (mine == null) return;
        for (WatchKind kind : WatchKind.values()) {
            Set<String> paths = mine.get(kind);
            if (paths == null) continue;
            for (String path : List.copyOf(paths)) removePair(kind, path, watcher);
        }
    }

    /** How many watches {@code watcher} holds (one connection's: what meerkat.maxWatchesPerSession bounds). */
    public int countOf(Watcher watcher) {
        EnumMap<WatchKind, Set<String>> mine = byWatcher.get(watcher);
        if (mine == null) return 0;
        int n = 0;
        for (Set<String> paths : mine.values()) n += paths.size();
        return n;
    }

    /** Watches as ZooKeeper's mntr counts them: data-table pairs plus child-table pairs. O(1). */
    public int watchCount() {
        return dataPairs + childPairs;
    }

    /** Watcher/path pairs of the data table (getData, exists and addWatch watches): wchs's total. O(1). */
    public int dataWatchCount() {
        return dataPairs;
    }

    /** Paths with a data-table watch: wchs's "watching N paths". O(1). */
    public int dataWatchPathCount() {
        return dataPaths;
    }

    /** Watchers (connections) with a data-table watch: wchs's "N connections". O(1). */
    public int dataWatcherCount() {
        return dataWatchers;
    }

    /** Who hears how many watchers each fired event reached (ZooKeeper's node_*_watch_count metrics). */
    public void onTrigger(java.util.function.ObjIntConsumer<EventType> listener) {
        onTrigger = listener;
    }

    /**
     * The data table by watcher, paths sorted: what wchc and the watches command list. Walks the
     * watches (not the tree), so it costs their number.
     */
    public Map<Watcher, Set<String>> dataWatchesByWatcher() {
        Map<Watcher, Set<String>> out = new LinkedHashMap<>();
        byWatcher.forEach((w, mine) -> {
            Set<String> paths = new TreeSet<>();
            for (WatchKind k : DATA_SIDE) {
                Set<String> p = mine.get(k);
                if (p != null) paths.addAll(p);
            }
            if (!paths.isEmpty()) out.put(w, paths);
        });
        return out;
    }

    /** The data table by path, sorted: what wchp and the watches_by_path command list. */
    public Map<String, List<Watcher>> dataWatchesByPath() {
        Map<String, Set<Watcher>> merged = new java.util.TreeMap<>();
        for (WatchKind k : DATA_SIDE) {
            tables.get(k).forEach((path, set) -> merged.computeIfAbsent(path, p -> new LinkedHashSet<>()).addAll(set));
        }
        Map<String, List<Watcher>> out = new LinkedHashMap<>();
        merged.forEach((path, set) -> out.put(path, new ArrayList<>(set)));
        return out;
    }

    /** Delivers one change to everyone watching for it. */
    public void trigger(WatchEvent event) {
        // Most changes have no watcher: no set is made for them.
        Set<Watcher> targets = null;
        String path = event.path();
        if (event.type() == EventType.NODE_CHILDREN_CHANGED) {
            targets = take(WatchKind.CHILD, path, targets, true);
            targets = take(WatchKind.PERSISTENT, path, targets, false);
        } else {
            targets = take(WatchKind.DATA, path, targets, true);
            if (event.type() == EventType.NODE_DELETED) targets = take(WatchKind.CHILD, path, targets, true);
            targets = take(WatchKind.PERSISTENT, path, targets, false);
            if (recursiveCount > 0) {
                for (String p = path; ; p = PathRules.parent(p)) {
                    targets = take(WatchKind.RECURSIVE, p, targets, false);
                    if (p.equals("/")) break;
                }
            }
        }
        if (targets == null) return;
        // As ZooKeeper: an event nobody watched is not counted.
        onTrigger.accept(event.type(), targets.size());
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

    /** Adds the watchers of {@code path} to {@code into} (made when there is a first one) and returns it. */
    private Set<Watcher> take(WatchKind kind, String path, Set<Watcher> into, boolean oneShot) {
        Set<Watcher> set = tables.get(kind).get(path);
        if (set == null || set.isEmpty()) return into;
        if (into == null) into = new LinkedHashSet<>();
        into.addAll(set);
        if (oneShot) {
            for (Watcher w : List.copyOf(set)) removePair(kind, path, w);
        }
        return into;
    }

    // ---- the two primitives every change goes through, keeping the counts ---------------------

    private void addPair(WatchKind kind, String path, Watcher watcher) {
        boolean hadData = has(watcher, path, DATA_SIDE);
        boolean hadChild = has(watcher, path, CHILD_SIDE);
        boolean pathHadData = pathHas(path, DATA_SIDE);
        boolean watcherHadData = watcherHas(watcher, DATA_SIDE);
        if (!tables.get(kind).computeIfAbsent(path, p -> new LinkedHashSet<>()).add(watcher)) return;
        byWatcher.computeIfAbsent(watcher, w -> new EnumMap<>(WatchKind.class))
                .computeIfAbsent(kind, k -> new HashSet<>()).add(path);
        if (kind == WatchKind.RECURSIVE) recursiveCount++;
        count(watcher, path, hadData, hadChild, pathHadData, watcherHadData);
    }

    private boolean removePair(WatchKind kind, String path, Watcher watcher) {
        Map<String, Set<Watcher>> table = tables.get(kind);
        Set<Watcher> set = table.get(path);
        if (set == null || !set.contains(watcher)) return false;
        boolean hadData = has(watcher, path, DATA_SIDE);
        boolean hadChild = has(watcher, path, CHILD_SIDE);
        boolean pathHadData = pathHas(path, DATA_SIDE);
        boolean watcherHadData = watcherHas(watcher, DATA_SIDE);
        set.remove(watcher);
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
        count(watcher, path, hadData, hadChild, pathHadData, watcherHadData);
        return true;
    }

    private void count(Watcher watcher, String path, boolean hadData, boolean hadChild, boolean pathHadData, boolean watcherHadData) {
        dataPairs += delta(hadData, has(watcher, path, DATA_SIDE));
        childPairs += delta(hadChild, has(watcher, path, CHILD_SIDE));
        dataPaths += delta(pathHadData, pathHas(path, DATA_SIDE));
        dataWatchers += delta(watcherHadData, watcherHas(watcher, DATA_SIDE));
        if (dataPairs < 0 || childPairs < 0 || dataPaths < 0 || dataWatchers < 0 || recursiveCount < 0) {
            throw new IllegalStateException("watch counts went negative: " + dataPairs + "/" + childPairs + "/" + dataPaths + "/" + dataWatchers);
        }
    }

    private static int delta(boolean before, boolean after) {
        return before == after ? 0 : after ? 1 : -1;
    }

    private boolean has(Watcher watcher, String path, WatchKind[] side) {
        for (WatchKind k : side) {
            if (contains(k, path, watcher)) return true;
        }
        return false;
    }

    private boolean pathHas(String path, WatchKind[] side) {
        for (WatchKind k : side) {
            if (tables.get(k).containsKey(path)) return true;
        }
        return false;
    }

    private boolean watcherHas(Watcher watcher, WatchKind[] side) {
        EnumMap<WatchKind, Set<String>> mine = byWatcher.get(watcher);
        if (mine == null) return false;
        for (WatchKind k : side) {
            if (mine.containsKey(k)) return true;
        }
        return false;
    }
}
