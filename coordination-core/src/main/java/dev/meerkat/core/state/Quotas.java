package dev.meerkat.core.state;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.KeeperError;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.PathRules;
import dev.meerkat.core.tree.Znode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ZooKeeper's quotas, kept in the tree as ZooKeeper keeps them: a quota on {@code /a/b} is the node
 * {@code /zookeeper/quota/a/b/zookeeper_limits} (data {@code count=10,bytes=-1} plus, since 3.7,
 * {@code ;countHardLimit=..;byteHardLimit=..}), and its usage is {@code .../zookeeper_stats}, which
 * the server keeps up to date on every create, delete and setData below {@code /a/b} (the quota
 * node itself counted), without a version change or a watch event, as ZooKeeper does. zkCli's
 * setquota, listquota and delquota work on these nodes. A write that would pass a hard limit fails
 * with QUOTA_EXCEEDED when the server enforces quotas (zookeeper.enforceQuota); soft limits are
 * only logged. Which quota applies is found from the tree at each write (no index to keep in step
 * with a multi's rollback).
 */
final class Quotas {
    private static final Logger LOG = LoggerFactory.getLogger(Quotas.class);
    static final String ROOT = "/zookeeper/quota";
    static final String LIMITS = "zookeeper_limits";
    static final String STATS = "zookeeper_stats";

    private final DataTree tree;

    Quotas(DataTree tree) {
        this.tree = tree;
    }

    /** The deepest path with a quota at or above {@code path}, or null (never the root, as on ZooKeeper). */
    String quotaFor(String path) {
        Znode root = tree.get(ROOT);
        if (root == null || root.childCount() == 0 || path.startsWith(ROOT + "/") || path.equals(ROOT)) return null;
        for (String p = path; !p.equals("/"); p = PathRules.parent(p)) {
            if (tree.get(ROOT + p + "/" + LIMITS) != null) return p;
        }
        return null;
    }

    /** Refuses a change of {@code countDiff} nodes and {@code bytesDiff} bytes under a hard limit it would pass. */
    void check(String path, long bytesDiff, long countDiff) throws KeeperError {
        String quota = quotaFor(path);
        if (quota == null) return;
        Znode limitsNode = tree.get(ROOT + quota + "/" + LIMITS);
        Znode statsNode = tree.get(ROOT + quota + "/" + STATS);
        if (limitsNode == null || statsNode == null) return;
        Stats limits = Stats.parse(limitsNode.data());
        Stats usage = Stats.parse(statsNode.data());
        if (countDiff != 0 && (limits.get("count") > -1 || limits.get("countHardLimit") > -1)) {
            exceeded(quota, "count", usage.get("count") + countDiff, limits.get("countHardLimit"), limits.get("count"));
        }
        if (bytesDiff != 0 && (limits.get("bytes") > -1 || limits.get("byteHardLimit") > -1)) {
            exceeded(quota, "bytes", usage.get("bytes") + bytesDiff, limits.get("byteHardLimit"), limits.get("bytes"));
        }
    }

    private static void exceeded(String quota, String what, long next, long hard, long soft) throws KeeperError {
        boolean isHard = hard > -1;
        long limit = isHard ? hard : soft;
        if (next <= limit) return;
        LOG.warn("Quota exceeded: {} [current {}={}, {}Limit={}]", quota, what, next, isHard ? "hard" : "soft", limit);
        if (isHard) throw new KeeperError(ErrorCode.QUOTA_EXCEEDED, quota);
    }

    /** After {@code path} was created with {@code bytes} of data. */
    void created(String path, long bytes) {
        String parent = PathRules.parent(path);
        if (parent.startsWith(ROOT + "/") && PathRules.name(path).equals(STATS)) recompute(parent.substring(ROOT.length()));
        update(path, bytes, 1);
    }

    void deleted(String path, long bytes) {
        update(path, -bytes, -1);
    }

    void dataChanged(String path, long bytesDiff) {
        if (bytesDiff != 0) update(path, bytesDiff, 0);
    }

    private void update(String path, long bytesDiff, long countDiff) {
        String quota = quotaFor(path);
        if (quota == null) return;
        String statsPath = ROOT + quota + "/" + STATS;
        Znode stats = tree.get(statsPath);
        if (stats == null) return; // the limits node came first; the stats node, when created, counts everything
        Stats s = Stats.parse(stats.data());
        s.set("count", s.get("count") + countDiff);
        s.set("bytes", s.get("bytes") + bytesDiff);
        tree.replaceDataQuietly(statsPath, stats, s.bytes());
    }

    /** The stats node of {@code quotaPath} was created: count what is under it now. */
    private void recompute(String quotaPath) {
        String statsPath = ROOT + quotaPath + "/" + STATS;
        Znode stats = tree.get(statsPath);
        long count = 0;
        long bytes = 0;
        if (tree.get(quotaPath) != null) {
            ArrayDeque<String> todo = new ArrayDeque<>();
            todo.push(quotaPath);
            while (!todo.isEmpty()) {
                String p = todo.pop();
                Znode n = tree.get(p);
                count++;
                bytes += n.data() == null ? 0 : n.data().length;
                for (String c : n.children()) todo.push(PathRules.child(p, c));
            }
        }
        Stats s = new Stats(new LinkedHashMap<>());
        s.set("count", count);
        s.set("bytes", bytes);
        tree.replaceDataQuietly(statsPath, stats, s.bytes());
    }

    /** ZooKeeper's StatsTrack format: {@code count=N,bytes=N} first, then {@code =;key=value} for the others, sorted. */
    record Stats(Map<String, Long> values) {
        static Stats parse(byte[] data) {
            Map<String, Long> v = new LinkedHashMap<>();
            if (data != null && data.length > 0) {
                for (String pair : new String(data, StandardCharsets.UTF_8).split("[,;]+")) {
                    String[] kv = pair.split("=");
                    if (kv.length == 0 || kv[0].isEmpty()) continue;
                    try {
                        v.put(kv[0], kv.length < 2 || kv[1].isEmpty() ? -1 : Long.parseLong(kv[1].trim()));
                    } catch (NumberFormatException e) {
                        v.put(kv[0], -1L); // what ZooKeeper cannot parse it does not enforce either
                    }
                }
            }
            return new Stats(v);
        }

        long get(String key) {
            Long x = values.get(key);
            return x == null ? -1 : x;
        }

        void set(String key, long value) {
            values.put(key, value);
        }

        byte[] bytes() {
            StringBuilder b = new StringBuilder("count=").append(get("count")).append(",bytes=").append(get("bytes"));
            List<String> others = new ArrayList<>(values.keySet());
            others.remove("count");
            others.remove("bytes");
            if (!others.isEmpty()) {
                b.append('=');
                Collections.sort(others);
                for (String k : others) b.append(';').append(k).append('=').append(values.get(k));
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
