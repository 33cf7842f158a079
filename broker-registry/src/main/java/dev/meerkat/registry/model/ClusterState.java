package dev.meerkat.registry.model;

import dev.meerkat.registry.feed.Cause;
import dev.meerkat.registry.feed.ZnodeSnap;
import dev.meerkat.registry.kafka.BrokerRegistration;
import dev.meerkat.registry.kafka.ClusterIdZnode;
import dev.meerkat.registry.kafka.ControllerRegistration;
import dev.meerkat.registry.kafka.Decoded;
import dev.meerkat.registry.kafka.EntityConfig;
import dev.meerkat.registry.kafka.FeatureZnode;
import dev.meerkat.registry.kafka.IsrChangeNotification;
import dev.meerkat.registry.kafka.KafkaPath;
import dev.meerkat.registry.kafka.KafkaZnodeDecoder;
import dev.meerkat.registry.kafka.PartitionState;
import dev.meerkat.registry.kafka.Reassignment;
import dev.meerkat.registry.kafka.TopicAssignment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the registry holds about one Kafka cluster (one chroot), decoded, and the events its
 * changes make. Owned by the registry thread.
 */
public final class ClusterState {
    final String chroot;
    boolean hasBrokerIds;
    boolean hasTopics;
    final SortedMap<Integer, Held<BrokerRegistration>> brokers = new TreeMap<>();
    final SortedMap<String, Held<TopicAssignment>> topics = new TreeMap<>();
    final Map<String, SortedMap<Integer, Held<PartitionState>>> states = new HashMap<>();
    final SortedMap<String, Held<EntityConfig>> topicConfigs = new TreeMap<>();
    final SortedMap<String, Held<EntityConfig>> brokerConfigs = new TreeMap<>();
    final SortedMap<String, Held<Void>> deleteTopics = new TreeMap<>();
    final SortedMap<String, Held<IsrChangeNotification>> isrChanges = new TreeMap<>();
    Held<ControllerRegistration> controller;
    Held<Integer> controllerEpoch;
    Held<ClusterIdZnode> clusterId;
    Held<FeatureZnode> feature;
    Held<Reassignment> reassignment;
    /** The controller before the last change, kept across the gap between a controller's death and the next election. */
    private int lastControllerId = -1;
    private boolean controllerTouched;
    private Cause controllerCause;

    public ClusterState(String chroot) {
        this.chroot = chroot;
    }

    public String chroot() {
        return chroot;
    }

    /** Shown as a cluster: Kafka's layout is there. */
    public boolean visible() {
        return hasBrokerIds && hasTopics;
    }

    public Set<Integer> liveBrokerIds() {
        return brokers.keySet();
    }

    /** Applies one znode's new state (absent = deleted) and emits what it means. */
    public void apply(KafkaPath where, ZnodeSnap snap, Cause cause, KafkaZnodeDecoder decoder, EventSink events) {
        String name = where.name();
        switch (where.kind()) {
            case BROKER_IDS -> hasBrokerIds = snap.exists();
            case TOPICS -> hasTopics = snap.exists();
            case BROKER -> applyBroker(Integer.parseInt(name), snap, cause, decoder, events);
            case CONTROLLER -> {
                controller = hold(snap, decoder::controller, events, null);
                controllerTouched = true;
                controllerCause = cause;
            }
            case CONTROLLER_EPOCH -> controllerEpoch = hold(snap, decoder::controllerEpoch, events, null);
            case CLUSTER_ID -> clusterId = hold(snap, decoder::clusterId, events, null);
            case FEATURE -> feature = hold(snap, decoder::feature, events, null);
            case TOPIC -> applyTopic(name, snap, decoder, events);
            case PARTITION_STATE -> applyPartitionState(name, where.partition(), snap, decoder, events);
            case TOPIC_CONFIG -> applyConfig("topic", name, topicConfigs, snap, decoder, events);
            case BROKER_CONFIG -> applyConfig("broker", name, brokerConfigs, snap, decoder, events);
            case DELETE_TOPIC -> {
                Held<Void> before = deleteTopics.get(name);
                if (snap.exists()) {
                    deleteTopics.put(name, new Held<>(snap.path(), snap.stat(), new Decoded.Ok<>(null), snap.data()));
                    if (before == null) {
                        events.emit(chroot, KafkaEvent.Type.TOPIC_DELETION_REQUESTED, null, name, null, "deletion of topic " + name + " requested");
                    }
                } else {
                    deleteTopics.remove(name);
                }
            }
            case REASSIGNMENT -> {
                Held<Reassignment> before = reassignment;
                reassignment = hold(snap, decoder::reassignment, events, null);
                if (before == null && reassignment != null) {
                    Reassignment r = reassignment.value();
                    events.emit(chroot, KafkaEvent.Type.REASSIGNMENT_STARTED, null, null, null,
                            "reassignment of " + (r == null ? "?" : r.partitions().size()) + " partition(s) requested");
                } else if (before != null && reassignment == null) {
                    events.emit(chroot, KafkaEvent.Type.REASSIGNMENT_FINISHED, null, null, null, "requested reassignment finished");
                }
            }
            case ISR_CHANGE -> {
                if (snap.exists()) isrChanges.put(name, hold(snap, decoder::isrChange, events, null));
                else isrChanges.remove(name);
            }
        }
    }

    /** After all znodes of an entry: the controller event, with the epoch the same entry wrote. */
    public void finishEntry(EventSink events) {
        if (!controllerTouched) return;
        controllerTouched = false;
        ControllerRegistration now = controller == null ? null : controller.value();
        Integer epoch = controllerEpoch == null ? null : controllerEpoch.value();
        if (now != null && now.brokerId() != lastControllerId) {
            String from = lastControllerId < 0 ? "none" : "broker " + lastControllerId;
            events.emit(chroot, KafkaEvent.Type.CONTROLLER_CHANGED, now.brokerId(), null, null,
                    "controller moved from " + from + " to broker " + now.brokerId() + (epoch == null ? "" : " (epoch " + epoch + ")"),
                    "from", lastControllerId, "to", now.brokerId(), "epoch", epoch);
            lastControllerId = now.brokerId();
        } else if (controller == null && lastControllerId >= 0) {
            events.emit(chroot, KafkaEvent.Type.CONTROLLER_GONE, lastControllerId, null, null,
                    "controller broker " + lastControllerId + " gone (" + reason(controllerCause, -1).text + "); election pending",
                    "from", lastControllerId, "reason", reason(controllerCause, -1).code);
        }
    }

    // ---- brokers -------------------------------------------------------------------------

    private void applyBroker(int id, ZnodeSnap snap, Cause cause, KafkaZnodeDecoder decoder, EventSink events) {
        Held<BrokerRegistration> before = brokers.get(id);
        if (!snap.exists()) {
            if (before == null) return;
            brokers.remove(id);
            Reason r = reason(cause, before.stat().ephemeralOwner());
            events.emit(chroot, KafkaEvent.Type.BROKER_GONE, id, null, null, "broker " + id + " gone: " + r.text,
                    "reason", r.code, "sessionId", hex(before.stat().ephemeralOwner()), "epoch", before.stat().czxid(),
                    "registeredAt", before.stat().ctime());
            return;
        }
        if (before != null && before.sameVersionAs(snap.stat())) return;
        Held<BrokerRegistration> now = hold(snap, decoder::broker, events, before);
        brokers.put(id, now);
        boolean reRegistered = before != null && before.stat().czxid() != snap.stat().czxid();
        if (before == null || reRegistered) {
            BrokerRegistration b = now.value();
            String where = b == null ? "(registration unreadable)" : String.join(", ", b.endpoints());
            events.emit(chroot, KafkaEvent.Type.BROKER_REGISTERED, id, null, null,
                    "broker " + id + (reRegistered ? " re-registered" : " registered") + " at " + where,
                    "epoch", snap.stat().czxid(), "sessionId", hex(snap.stat().ephemeralOwner()),
                    "endpoints", b == null ? List.of() : b.endpoints());
        }
    }

    private record Reason(String code, String text) {
    }

    private static Reason reason(Cause cause, long owner) {
        if (cause instanceof Cause.SessionClosed c && (owner < 0 || c.sessionId() == owner)) {
            return c.expired() ? new Reason("SESSION_EXPIRED", "session expired") : new Reason("SESSION_CLOSED", "session closed");
        }
        if (cause instanceof Cause.ClientWrite w) {
            return w.sessionId() == owner ? new Reason("DEREGISTERED", "deleted by its own session")
                    : new Reason("DELETED", "deleted by session 0x" + Long.toHexString(w.sessionId()));
        }
        if (cause instanceof Cause.Resync) return new Reason("UNKNOWN", "found gone when the view was re-read");
        return new Reason("REMOVED", "removed");
    }

    // ---- topics and partitions ---------------------------------------------------------------

    private void applyTopic(String topic, ZnodeSnap snap, KafkaZnodeDecoder decoder, EventSink events) {
        Held<TopicAssignment> before = topics.get(topic);
        if (!snap.exists()) {
            if (before == null) return;
            topics.remove(topic);
            states.remove(topic);
            events.emit(chroot, KafkaEvent.Type.TOPIC_DELETED, null, topic, null, "topic " + topic + " deleted");
            return;
        }
        if (before != null && before.sameVersionAs(snap.stat())) return;
        Held<TopicAssignment> now = hold(snap, decoder::topic, events, before);
        topics.put(topic, now);
        TopicAssignment a = now.value();
        TopicAssignment old = before == null ? null : before.value();
        if (before == null || before.stat().czxid() != snap.stat().czxid()) {
            String shape = a == null ? "(assignment unreadable)"
                    : a.partitions().size() + " partition(s), replication factor " + replicationFactor(a);
            events.emit(chroot, KafkaEvent.Type.TOPIC_CREATED, null, topic, null, "topic " + topic + " created: " + shape,
                    "partitions", a == null ? null : a.partitions().size(), "replicationFactor", a == null ? null : replicationFactor(a));
            return;
        }
        if (a == null || old == null) return;
        if (a.partitions().size() > old.partitions().size()) {
            events.emit(chroot, KafkaEvent.Type.PARTITIONS_ADDED, null, topic, null,
                    "topic " + topic + " grew from " + old.partitions().size() + " to " + a.partitions().size() + " partitions",
                    "from", old.partitions().size(), "to", a.partitions().size());
        }
        if (a.reassigning() && !old.reassigning()) {
            events.emit(chroot, KafkaEvent.Type.REASSIGNMENT_STARTED, null, topic, null, "reassignment of topic " + topic + " started",
                    "adding", a.addingReplicas(), "removing", a.removingReplicas());
        } else if (!a.reassigning() && (old.reassigning() || !a.partitions().equals(old.partitions()))) {
            events.emit(chroot, KafkaEvent.Type.REASSIGNMENT_FINISHED, null, topic, null, "topic " + topic + " now has replicas " + a.partitions(),
                    "replicas", a.partitions());
        }
    }

    static int replicationFactor(TopicAssignment a) {
        return a.partitions().values().stream().mapToInt(List::size).max().orElse(0);
    }

    private void applyPartitionState(String topic, int partition, ZnodeSnap snap, KafkaZnodeDecoder decoder, EventSink events) {
        SortedMap<Integer, Held<PartitionState>> ofTopic = states.computeIfAbsent(topic, t -> new TreeMap<>());
        Held<PartitionState> before = ofTopic.get(partition);
        if (!snap.exists()) {
            ofTopic.remove(partition);
            if (ofTopic.isEmpty()) states.remove(topic);
            return;
        }
        if (before != null && before.sameVersionAs(snap.stat())) return;
        Held<PartitionState> now = hold(snap, decoder::partitionState, events, before);
        ofTopic.put(partition, now);
        PartitionState s = now.value();
        PartitionState old = before == null ? null : before.value();
        if (s == null || old == null) return;
        Set<Integer> removed = new TreeSet<>(old.isr());
        removed.removeAll(s.isr());
        Set<Integer> added = new TreeSet<>(s.isr());
        added.removeAll(old.isr());
        String tp = topic + "-" + partition;
        if (!removed.isEmpty()) {
            events.emit(chroot, KafkaEvent.Type.ISR_SHRINK, null, topic, partition,
                    "ISR of " + tp + " shrank from " + old.isr() + " to " + s.isr(), "from", old.isr(), "to", s.isr(), "removed", List.copyOf(removed));
        }
        if (!added.isEmpty()) {
            events.emit(chroot, KafkaEvent.Type.ISR_EXPAND, null, topic, partition,
                    "ISR of " + tp + " expanded from " + old.isr() + " to " + s.isr(), "from", old.isr(), "to", s.isr(), "added", List.copyOf(added));
        }
        if (s.leader() != old.leader()) {
            events.emit(chroot, KafkaEvent.Type.LEADER_CHANGED, s.leader() < 0 ? null : s.leader(), topic, partition,
                    "leader of " + tp + " moved from " + leaderText(old.leader()) + " to " + leaderText(s.leader()) + " (leader epoch " + s.leaderEpoch() + ")",
                    "from", old.leader(), "to", s.leader(), "leaderEpoch", s.leaderEpoch());
        }
    }

    private static String leaderText(int leader) {
        return leader < 0 ? "none" : "broker " + leader;
    }

    private void applyConfig(String entityType, String entity, SortedMap<String, Held<EntityConfig>> into, ZnodeSnap snap,
                             KafkaZnodeDecoder decoder, EventSink events) {
        Held<EntityConfig> before = into.get(entity);
        if (before != null && before.sameVersionAs(snap.stat())) return;
        Held<EntityConfig> now = snap.exists() ? hold(snap, decoder::config, events, before) : null;
        if (now == null) into.remove(entity);
        else into.put(entity, now);
        Map<String, String> oldConfig = before == null || before.value() == null ? Map.of() : before.value().config();
        Map<String, String> newConfig = now == null || now.value() == null ? Map.of() : now.value().config();
        if (oldConfig.equals(newConfig)) return;
        Set<String> keys = new TreeSet<>(oldConfig.keySet());
        keys.addAll(newConfig.keySet());
        List<String> changes = new ArrayList<>();
        Map<String, Object> changed = new TreeMap<>();
        for (String k : keys) {
            String o = oldConfig.get(k);
            String n = newConfig.get(k);
            if (Objects.equals(o, n)) continue;
            changes.add(n == null ? k + " removed" : k + "=" + n);
            changed.put(k, n);
        }
        boolean topicEntity = entityType.equals("topic");
        Integer brokerId = !topicEntity && entity.chars().allMatch(Character::isDigit) ? Integer.valueOf(entity) : null;
        events.emit(chroot, KafkaEvent.Type.CONFIG_CHANGED, brokerId, topicEntity ? entity : null, null,
                entityType + " " + entity + " config: " + String.join(", ", changes), "entityType", entityType, "entity", entity, "changed", changed);
    }

    // ---- helpers -------------------------------------------------------------------------

    private <T> Held<T> hold(ZnodeSnap snap, java.util.function.Function<byte[], Decoded<T>> decode, EventSink events, Held<T> before) {
        if (!snap.exists()) return null;
        Decoded<T> d = decode.apply(snap.data());
        if (d instanceof Decoded.Malformed<T> m && (before == null || !(before.decoded() instanceof Decoded.Malformed))) {
            events.emit(chroot, KafkaEvent.Type.ZNODE_MALFORMED, null, null, null, snap.path() + " cannot be read: " + m.reason(),
                    "path", snap.path(), "reason", m.reason(), "preview", m.preview());
        }
        return new Held<>(snap.path(), snap.stat(), d, snap.data());
    }

    static String hex(long sessionId) {
        return "0x" + Long.toHexString(sessionId);
    }

    /** Seeds the controller memory from the first image, so the first live change names where it came from. */
    public void settleBaseline() {
        ControllerRegistration c = controller == null ? null : controller.value();
        lastControllerId = c == null ? -1 : c.brokerId();
        controllerTouched = false;
    }
}
