package dev.meerkat.registry.kafka;

import java.util.ArrayList;
import java.util.List;

/**
 * Where Kafka 3.x (ZooKeeper mode) keeps its state, under any chroot: reading a path as a
 * {@link KafkaPath}. A cluster is a chroot that holds both {@code brokers/ids} and
 * {@code brokers/topics} (Kafka creates them at its first start).
 */
public final class KafkaPaths {
    private KafkaPaths() {
    }

    /**
     * A cheap test, run on the tree thread for every touched path: false only for paths that
     * cannot be part of a Kafka layout. Plain substring tests, no parsing and no allocation.
     */
    public static boolean mayMatter(String path) {
        return path.contains("/brokers/")
                || path.endsWith("/controller") || path.endsWith("/controller_epoch")
                || path.endsWith("/cluster/id")
                || path.contains("/config/topics/") || path.contains("/config/brokers/")
                || path.contains("/admin/delete_topics/") || path.endsWith("/admin/reassign_partitions")
                || path.contains("/isr_change_notification/") || path.endsWith("/feature");
    }

    /**
     * Every way {@code path} reads as a Kafka znode, one per candidate chroot (usually one; a topic
     * or chroot named like a Kafka directory can add another). Empty for paths outside any layout.
     */
    public static List<KafkaPath> parse(String path) {
        if (path == null || !path.startsWith("/") || path.length() < 2) return List.of();
        String[] seg = path.substring(1).split("/", -1);
        List<KafkaPath> out = new ArrayList<>(1);
        for (int root = 0; root < seg.length; root++) {
            KafkaPath p = parseRelative(chroot(seg, root), seg, root);
            if (p != null) out.add(p);
        }
        return out;
    }

    private static String chroot(String[] seg, int end) {
        if (end == 0) return "/";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < end; i++) sb.append('/').append(seg[i]);
        return sb.toString();
    }

    private static KafkaPath parseRelative(String chroot, String[] s, int i) {
        int n = s.length - i;
        String a = s[i];
        switch (a) {
            case "brokers" -> {
                if (n < 2) return null;
                if (s[i + 1].equals("ids")) {
                    if (n == 2) return new KafkaPath(chroot, KafkaPath.Kind.BROKER_IDS, null, -1);
                    if (n == 3 && isInt(s[i + 2])) return new KafkaPath(chroot, KafkaPath.Kind.BROKER, s[i + 2], -1);
                    return null;
                }
                if (s[i + 1].equals("topics")) {
                    if (n == 2) return new KafkaPath(chroot, KafkaPath.Kind.TOPICS, null, -1);
                    if (n == 3) return new KafkaPath(chroot, KafkaPath.Kind.TOPIC, s[i + 2], -1);
                    if (n == 6 && s[i + 3].equals("partitions") && isInt(s[i + 4]) && s[i + 5].equals("state")) {
                        return new KafkaPath(chroot, KafkaPath.Kind.PARTITION_STATE, s[i + 2], Integer.parseInt(s[i + 4]));
                    }
                }
                return null;
            }
            case "controller" -> {
                return n == 1 ? new KafkaPath(chroot, KafkaPath.Kind.CONTROLLER, null, -1) : null;
            }
            case "controller_epoch" -> {
                return n == 1 ? new KafkaPath(chroot, KafkaPath.Kind.CONTROLLER_EPOCH, null, -1) : null;
            }
            case "feature" -> {
                return n == 1 ? new KafkaPath(chroot, KafkaPath.Kind.FEATURE, null, -1) : null;
            }
            case "cluster" -> {
                return n == 2 && s[i + 1].equals("id") ? new KafkaPath(chroot, KafkaPath.Kind.CLUSTER_ID, null, -1) : null;
            }
            case "config" -> {
                if (n != 3) return null;
                if (s[i + 1].equals("topics")) return new KafkaPath(chroot, KafkaPath.Kind.TOPIC_CONFIG, s[i + 2], -1);
                if (s[i + 1].equals("brokers")) return new KafkaPath(chroot, KafkaPath.Kind.BROKER_CONFIG, s[i + 2], -1);
                return null;
            }
            case "admin" -> {
                if (n == 3 && s[i + 1].equals("delete_topics")) return new KafkaPath(chroot, KafkaPath.Kind.DELETE_TOPIC, s[i + 2], -1);
                if (n == 2 && s[i + 1].equals("reassign_partitions")) return new KafkaPath(chroot, KafkaPath.Kind.REASSIGNMENT, null, -1);
                return null;
            }
            case "isr_change_notification" -> {
                return n == 2 ? new KafkaPath(chroot, KafkaPath.Kind.ISR_CHANGE, s[i + 1], -1) : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static boolean isInt(String s) {
        if (s.isEmpty() || s.length() > 10) return false;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') return false;
        }
        try {
            Integer.parseInt(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
