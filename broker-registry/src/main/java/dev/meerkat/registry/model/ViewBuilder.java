package dev.meerkat.registry.model;

import dev.meerkat.registry.kafka.BrokerRegistration;
import dev.meerkat.registry.kafka.ClusterIdZnode;
import dev.meerkat.registry.kafka.ControllerRegistration;
import dev.meerkat.registry.kafka.Decoded;
import dev.meerkat.registry.kafka.EntityConfig;
import dev.meerkat.registry.kafka.FeatureZnode;
import dev.meerkat.registry.kafka.PartitionState;
import dev.meerkat.registry.kafka.Reassignment;
import dev.meerkat.registry.kafka.TopicAssignment;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** Turns a {@link ClusterState} into its immutable, published {@link ClusterModel}. Pure. */
public final class ViewBuilder {
    public static final String MIN_ISR = "min.insync.replicas";
    private static final String DEFAULT_BROKER = "<default>";

    private ViewBuilder() {
    }

    public static String topicsUrl(String chroot) {
        return "/api/kafka/clusters/" + URLEncoder.encode(chroot, StandardCharsets.UTF_8) + "/topics";
    }

    public static ClusterModel build(ClusterState s, ProbeLookup probes, long zxid) {
        List<ClusterView.Problem> problems = new ArrayList<>();
        Set<Integer> live = s.brokers.keySet();

        List<ClusterView.Broker> brokers = new ArrayList<>();
        int unreachable = 0;
        for (Held<BrokerRegistration> h : s.brokers.values()) {
            note(h, problems);
            BrokerRegistration b = h.value();
            int id = Integer.parseInt(h.path().substring(h.path().lastIndexOf('/') + 1));
            ClusterView.Probe probe = probes.find(s.chroot, id, h.stat().czxid());
            if (probe != null && !probe.reachable()) unreachable++;
            brokers.add(new ClusterView.Broker(id, b == null ? List.of() : b.endpoints(), b == null ? Map.of() : b.securityProtocols(),
                    b == null ? null : b.rack(), h.stat().czxid(), h.stat().ctime(), ClusterState.hex(h.stat().ephemeralOwner()),
                    probe == null ? null : probe.reachable(), probe, b == null ? null : b.timestampMs(),
                    b == null ? Map.of() : b.features(), h.decoded().problem()));
        }

        ClusterView.Controller controller = controller(s, problems);
        for (Held<?> h : new Held<?>[]{s.clusterId, s.feature, s.reassignment}) note(h, problems);
        s.brokerConfigs.values().forEach(h -> note(h, problems));
        s.isrChanges.values().forEach(h -> note(h, problems));

        Set<String> reassigning = new TreeSet<>();
        Reassignment requested = s.reassignment == null ? null : s.reassignment.value();
        if (requested != null) requested.partitions().forEach(t -> reassigning.add(t.topic()));

        SortedMap<String, TopicView> topics = new TreeMap<>();
        int partitions = 0, under = 0, underMin = 0, offline = 0;
        Set<String> names = new TreeSet<>(s.topics.keySet());
        names.addAll(s.states.keySet());
        for (String name : names) {
            TopicView t = topic(s, name, live, reassigning, problems);
            topics.put(name, t);
            if (t.reassigning()) reassigning.add(name);
            partitions += t.partitionCount();
            under += t.underReplicated();
            underMin += t.underMinIsr();
            offline += t.offline();
        }

        ClusterIdZnode cid = s.clusterId == null ? null : s.clusterId.value();
        FeatureZnode feature = s.feature == null ? null : s.feature.value();
        ClusterView summary = new ClusterView(s.chroot, cid == null ? null : cid.id(), controller, List.copyOf(brokers),
                new ClusterView.Counts(brokers.size(), unreachable, s.topics.size(), partitions, under, underMin, offline),
                List.copyOf(s.deleteTopics.keySet()), List.copyOf(reassigning), s.isrChanges.size(),
                feature == null ? Map.of() : feature.features(), List.copyOf(problems), zxid, topicsUrl(s.chroot));
        return new ClusterModel(summary, Collections.unmodifiableSortedMap(topics));
    }

    private static ClusterView.Controller controller(ClusterState s, List<ClusterView.Problem> problems) {
        note(s.controller, problems);
        note(s.controllerEpoch, problems);
        ControllerRegistration c = s.controller == null ? null : s.controller.value();
        Integer epoch = s.controllerEpoch == null ? null : s.controllerEpoch.value();
        String problem = s.controller == null ? null : s.controller.decoded().problem();
        return new ClusterView.Controller(c == null ? null : c.brokerId(), epoch,
                s.controller == null ? null : s.controller.stat().ctime(), problem);
    }

    private static TopicView topic(ClusterState s, String name, Set<Integer> live, Set<String> reassigningByRequest,
                                   List<ClusterView.Problem> problems) {
        Held<TopicAssignment> held = s.topics.get(name);
        note(held, problems);
        TopicAssignment a = held == null ? null : held.value();
        Held<EntityConfig> cfgHeld = s.topicConfigs.get(name);
        note(cfgHeld, problems);
        Map<String, String> config = cfgHeld == null || cfgHeld.value() == null ? Map.of() : cfgHeld.value().config();
        SortedMap<Integer, Held<PartitionState>> states = s.states.getOrDefault(name, Collections.emptySortedMap());

        Set<Integer> ids = new TreeSet<>(states.keySet());
        if (a != null) ids.addAll(a.partitions().keySet());
        List<TopicView.Partition> parts = new ArrayList<>();
        int under = 0, underMin = 0, offline = 0;
        for (int p : ids) {
            List<Integer> replicas = a == null ? List.of() : a.partitions().getOrDefault(p, List.of());
            Held<PartitionState> sh = states.get(p);
            note(sh, problems);
            PartitionState st = sh == null ? null : sh.value();
            String problem = sh == null ? "no state znode" : sh.decoded().problem();
            int leader = st == null ? -1 : st.leader();
            int minIsr = minIsr(config, s, leader);
            List<Integer> isr = st == null ? List.of() : st.isr();
            boolean isOffline = leader < 0 || !live.contains(leader);
            boolean isUnder = st != null && isr.size() < replicas.size();
            boolean isUnderMin = st != null && isr.size() < minIsr;
            if (isOffline) offline++;
            if (isUnder) under++;
            if (isUnderMin) underMin++;
            parts.add(new TopicView.Partition(p, leader, st == null ? -1 : st.leaderEpoch(), replicas, isr,
                    a == null ? List.of() : a.addingReplicas().getOrDefault(p, List.of()),
                    a == null ? List.of() : a.removingReplicas().getOrDefault(p, List.of()),
                    minIsr, isUnder, isUnderMin, isOffline, problem));
        }
        boolean reassigning = (a != null && a.reassigning()) || reassigningByRequest.contains(name);
        return new TopicView(name, a == null ? null : a.topicId(), parts.size(), a == null ? 0 : ClusterState.replicationFactor(a),
                config, s.deleteTopics.containsKey(name), reassigning, under, underMin, offline, List.copyOf(parts),
                held == null ? "no assignment znode" : held.decoded().problem());
    }

    /** The topic's own setting, else the leader broker's dynamic config, else the cluster-wide default, else Kafka's default 1. */
    static int minIsr(Map<String, String> topicConfig, ClusterState s, int leader) {
        Integer v = parse(topicConfig.get(MIN_ISR));
        if (v == null && leader >= 0) v = brokerSetting(s, Integer.toString(leader));
        if (v == null) v = brokerSetting(s, DEFAULT_BROKER);
        return v == null ? 1 : v;
    }

    private static Integer brokerSetting(ClusterState s, String entity) {
        Held<EntityConfig> h = s.brokerConfigs.get(entity);
        return h == null || h.value() == null ? null : parse(h.value().config().get(MIN_ISR));
    }

    private static Integer parse(String v) {
        if (v == null) return null;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void note(Held<?> h, List<ClusterView.Problem> problems) {
        if (h != null && h.decoded() instanceof Decoded.Malformed<?> m) problems.add(new ClusterView.Problem(h.path(), m.reason(), m.preview()));
    }
}
