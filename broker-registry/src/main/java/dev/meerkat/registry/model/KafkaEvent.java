package dev.meerkat.registry.model;

import java.util.Map;

/**
 * One line of a cluster's timeline. Events are numbered by the entry that caused them, so the same
 * committed entries give the same ids on every server and across restarts.
 *
 * @param id      {@code <zxid>-<ordinal>}: what SSE sends as the event id and takes back as Last-Event-ID
 * @param timeMs  the leader's clock when it accepted the entry (for a resync, the local clock)
 * @param details machine-readable particulars (reason, epoch, isr, ...)
 */
public record KafkaEvent(String id, long zxid, int ordinal, long timeMs, String chroot, Type type, Integer brokerId,
                         String topic, Integer partition, String message, Map<String, Object> details) {

    public enum Type {
        CLUSTER_APPEARED, CLUSTER_GONE,
        BROKER_REGISTERED, BROKER_GONE,
        CONTROLLER_CHANGED, CONTROLLER_GONE,
        ISR_SHRINK, ISR_EXPAND, LEADER_CHANGED,
        TOPIC_CREATED, TOPIC_DELETED, TOPIC_DELETION_REQUESTED, PARTITIONS_ADDED,
        REASSIGNMENT_STARTED, REASSIGNMENT_FINISHED,
        CONFIG_CHANGED, ZNODE_MALFORMED
    }

    public static String id(long zxid, int ordinal) {
        return zxid + "-" + ordinal;
    }

    /** Whether this event comes after the one with the given position. */
    public boolean isAfter(long otherZxid, int otherOrdinal) {
        return zxid > otherZxid || (zxid == otherZxid && ordinal > otherOrdinal);
    }
}
