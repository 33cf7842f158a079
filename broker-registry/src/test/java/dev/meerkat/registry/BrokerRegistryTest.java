package dev.meerkat.registry;

import dev.meerkat.registry.model.ClusterModel;
import dev.meerkat.registry.model.ClusterView;
import dev.meerkat.registry.model.KafkaEvent;
import dev.meerkat.registry.model.TopicView;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry on a real node: committed entries in, the view, the timeline and the meters out. The
 * znode contents are the ones real Kafka 3.9.1 brokers wrote (see {@link Samples}).
 */
class BrokerRegistryTest {
    private static final String C = "/kafka/main";
    private final TreeDriver tree = new TreeDriver();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private BrokerRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) registry.close();
        tree.close();
    }

    private BrokerRegistry start(RegistryOptions options) {
        registry = BrokerRegistry.start(tree.node, meters, options);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.view().ready());
        return registry;
    }

    private static RegistryOptions noProbe() {
        return RegistryOptions.defaults().withProbe(false, 1000, 1000);
    }

    /** What a first Kafka start creates (the persistent paths), then a broker, a controller and a topic. */
    private long kafkaCluster(String chroot, long session) {
        String p = chroot.equals("/") ? "" : chroot;
        for (String dir : List.of("/brokers/ids", "/brokers/topics", "/config/topics", "/config/brokers", "/admin/delete_topics",
                "/isr_change_notification", "/cluster")) {
            tree.mkdirs(session, p + dir);
        }
        tree.put(session, p + "/cluster/id", Samples.text("main/cluster/id"));
        return session;
    }

    private void broker(long session, String chroot, int id) {
        tree.register(session, (chroot.equals("/") ? "" : chroot) + "/brokers/ids/" + id, Samples.text("main/brokers/ids/1"));
    }

    private void controller(long session, String chroot, int id, int epoch) {
        String p = chroot.equals("/") ? "" : chroot;
        tree.put(session, p + "/controller_epoch", Integer.toString(epoch));
        tree.register(session, p + "/controller", Samples.text("main/controller").replaceAll("\"brokerid\":\\d+", "\"brokerid\":" + id));
    }

    private ClusterView cluster(String chroot) {
        ClusterModel m = registry.view().clusters().get(chroot);
        return m == null ? null : m.summary();
    }

    private void awaitView(Predicate<BrokerRegistry> condition) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> condition.test(registry));
    }

    private List<KafkaEvent> events(KafkaEvent.Type type) {
        return registry.timeline().all().stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void findsClustersAlreadyInTheTreeWithoutMakingHistoryOfThem() {
        long s = tree.session(30_000);
        kafkaCluster(C, s);
        broker(tree.session(30_000), C, 1);
        controller(s, C, 1, 1);
        start(noProbe());
        ClusterView c = cluster(C);
        assertThat(c).isNotNull();
        assertThat(c.brokers()).extracting(ClusterView.Broker::id).containsExactly(1);
        assertThat(c.controller().brokerId()).isEqualTo(1);
        assertThat(c.controller().epoch()).isEqualTo(1);
        assertThat(c.clusterId()).isNotBlank();
        assertThat(registry.timeline().all()).as("a baseline is not history").isEmpty();
    }

    @Test
    void brokerArrivalsAndDeparturesSayWhy() {
        start(noProbe());
        long admin = kafkaCluster(C, tree.session(30_000));
        long b1 = tree.session(30_000);
        long b2 = tree.session(300);
        broker(b1, C, 1);
        broker(b2, C, 2);
        awaitView(r -> cluster(C) != null && cluster(C).brokers().size() == 2);
        ClusterView.Broker one = cluster(C).brokers().get(0);
        assertThat(one.sessionId()).isEqualTo("0x" + Long.toHexString(b1));
        assertThat(one.epoch()).isPositive();
        assertThat(one.endpoints()).isNotEmpty();
        assertThat(one.reachable()).as("probe off").isNull();

        tree.close(b1);
        // b2 is never touched: the node expires it after its 300 ms.
        awaitView(r -> cluster(C).brokers().isEmpty());
        List<KafkaEvent> gone = events(KafkaEvent.Type.BROKER_GONE);
        assertThat(gone).hasSize(2);
        assertThat(gone.get(0).brokerId()).isEqualTo(1);
        assertThat(gone.get(0).details()).containsEntry("reason", "SESSION_CLOSED");
        assertThat(gone.get(1).brokerId()).isEqualTo(2);
        assertThat(gone.get(1).details()).containsEntry("reason", "SESSION_EXPIRED");
        assertThat(gone.get(1).zxid()).isGreaterThan(gone.get(0).zxid());
        assertThat(events(KafkaEvent.Type.BROKER_REGISTERED)).extracting(KafkaEvent::brokerId).containsExactly(1, 2);
        assertThat(meters.get("kafka_broker_departures").tag("chroot", C).counter().count()).isEqualTo(2.0);
        assertThat(meters.get("kafka_brokers_registered").tag("chroot", C).gauge().value()).isZero();
        tree.touch(admin);
    }

    @Test
    void controllerMovesCarryTheirEpoch() {
        start(noProbe());
        long s = kafkaCluster(C, tree.session(30_000));
        long b1 = tree.session(30_000);
        long b2 = tree.session(30_000);
        broker(b1, C, 1);
        broker(b2, C, 2);
        controller(b1, C, 1, 1);
        awaitView(r -> cluster(C) != null && Integer.valueOf(1).equals(cluster(C).controller().brokerId()));
        tree.close(b1);
        controller(b2, C, 2, 2);
        awaitView(r -> Integer.valueOf(2).equals(cluster(C).controller().brokerId()));
        assertThat(cluster(C).controller().epoch()).isEqualTo(2);
        List<KafkaEvent> moved = events(KafkaEvent.Type.CONTROLLER_CHANGED);
        assertThat(moved).hasSize(2);
        assertThat(moved.get(1).details()).containsEntry("from", 1).containsEntry("to", 2).containsEntry("epoch", 2);
        assertThat(events(KafkaEvent.Type.CONTROLLER_GONE)).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("reason", "SESSION_CLOSED"));
        assertThat(meters.get("kafka_controller_changes").tag("chroot", C).counter().count()).isEqualTo(2.0);
        assertThat(meters.get("kafka_controller_epoch").tag("chroot", C).gauge().value()).isEqualTo(2.0);
        assertThat(meters.get("kafka_controller_id").tag("chroot", C).gauge().value()).isEqualTo(2.0);
        tree.touch(s);
    }

    @Test
    void partitionsUnderReplicatedUnderMinIsrAndOffline() {
        start(noProbe());
        long s = kafkaCluster(C, tree.session(30_000));
        for (int id = 1; id <= 3; id++) broker(tree.session(30_000), C, id);
        String t = C + "/brokers/topics/orders";
        tree.put(s, t, "{\"partitions\":{\"0\":[1,2,3],\"1\":[2,3,1]},\"topic_id\":\"x5Wl0bYxRdq0DpPVRjGhaw\",\"adding_replicas\":{},\"removing_replicas\":{},\"version\":3}");
        tree.put(s, C + "/config/topics/orders", "{\"version\":1,\"config\":{\"min.insync.replicas\":\"2\"}}");
        tree.mkdirs(s, t + "/partitions/0");
        tree.mkdirs(s, t + "/partitions/1");
        tree.put(s, t + "/partitions/0/state", state(1, 0, "1,2,3"));
        tree.put(s, t + "/partitions/1/state", state(2, 0, "2,3,1"));
        awaitView(r -> cluster(C) != null && cluster(C).counts().partitions() == 2);
        assertThat(cluster(C).counts()).isEqualTo(new ClusterView.Counts(3, 0, 1, 2, 0, 0, 0));

        tree.put(s, t + "/partitions/0/state", state(1, 1, "1,2"));
        tree.put(s, t + "/partitions/1/state", state(-1, 1, "2"));
        awaitView(r -> cluster(C).counts().offline() == 1);
        assertThat(cluster(C).counts()).isEqualTo(new ClusterView.Counts(3, 0, 1, 2, 2, 1, 1));
        TopicView topic = registry.view().clusters().get(C).topics().get("orders");
        assertThat(topic.partitions().get(0).minIsr()).isEqualTo(2);
        assertThat(topic.partitions().get(1).offline()).isTrue();
        assertThat(events(KafkaEvent.Type.ISR_SHRINK)).extracting(KafkaEvent::partition).containsExactly(0, 1);
        assertThat(events(KafkaEvent.Type.LEADER_CHANGED)).singleElement().satisfies(e -> assertThat(e.details()).containsEntry("to", -1));

        tree.put(s, t + "/partitions/0/state", state(1, 1, "1,2,3"));
        awaitView(r -> cluster(C).counts().underReplicated() == 1);
        assertThat(events(KafkaEvent.Type.ISR_EXPAND)).singleElement().satisfies(e -> assertThat(e.details()).containsEntry("added", List.of(3)));

        // Without a topic setting, the cluster-wide broker default counts.
        tree.put(s, C + "/config/topics/orders", "{\"version\":1,\"config\":{}}");
        tree.put(s, C + "/config/brokers/<default>", "{\"version\":1,\"config\":{\"min.insync.replicas\":\"3\"}}");
        awaitView(r -> registry.view().clusters().get(C).topics().get("orders").partitions().get(0).minIsr() == 3);
        assertThat(events(KafkaEvent.Type.CONFIG_CHANGED)).extracting(KafkaEvent::message)
                .contains("topic orders config: min.insync.replicas=2", "topic orders config: min.insync.replicas removed",
                        "broker <default> config: min.insync.replicas=3");
    }

    @Test
    void realPartitionAndTopicZnodesDecodeIntoTheView() {
        start(noProbe());
        long s = kafkaCluster(C, tree.session(30_000));
        broker(tree.session(30_000), C, 1);
        String t = C + "/brokers/topics/" + Samples.TOPIC;
        tree.put(s, t, Samples.text("main/brokers/topics/" + Samples.TOPIC));
        tree.mkdirs(s, t + "/partitions/0");
        tree.put(s, t + "/partitions/0/state", Samples.text("main/brokers/topics/" + Samples.TOPIC + "/partitions/0/state"));
        awaitView(r -> cluster(C) != null && cluster(C).counts().topics() == 1);
        TopicView topic = registry.view().clusters().get(C).topics().get(Samples.TOPIC);
        assertThat(topic.problem()).isNull();
        assertThat(topic.topicId()).isNotBlank();
        assertThat(topic.replicationFactor()).isEqualTo(3);
        assertThat(topic.partitions().get(0).problem()).isNull();
        assertThat(topic.partitions().get(0).isr()).hasSize(3);
        assertThat(topic.partitions().get(1).problem()).as("partition 1 has no state znode here").isEqualTo("no state znode");
        assertThat(events(KafkaEvent.Type.TOPIC_CREATED)).singleElement().satisfies(e -> assertThat(e.details()).containsEntry("replicationFactor", 3));

        tree.delete(s, t + "/partitions/0/state");
        tree.delete(s, t + "/partitions/0");
        tree.delete(s, t + "/partitions");
        tree.delete(s, t);
        awaitView(r -> cluster(C).counts().topics() == 0);
        assertThat(events(KafkaEvent.Type.TOPIC_DELETED)).hasSize(1);
    }

    @Test
    void aMalformedZnodeIsShownAsSuchAndTheRestOfTheViewStands() {
        start(noProbe());
        long s = kafkaCluster(C, tree.session(30_000));
        broker(tree.session(30_000), C, 1);
        tree.register(tree.session(30_000), C + "/brokers/ids/2", "{\"version\":5,\"endpoints\":not json");
        tree.put(s, C + "/brokers/topics/bad", "{\"version\":3,\"partitions\":{\"zero\":[1]}}");
        awaitView(r -> cluster(C) != null && cluster(C).brokers().size() == 2 && cluster(C).counts().topics() == 1);
        ClusterView c = cluster(C);
        assertThat(c.brokers().get(0).problem()).isNull();
        assertThat(c.brokers().get(1).problem()).startsWith("not JSON");
        assertThat(c.problems()).extracting(ClusterView.Problem::path).containsExactlyInAnyOrder(C + "/brokers/ids/2", C + "/brokers/topics/bad");
        assertThat(c.problems()).extracting(ClusterView.Problem::preview).contains("{\"version\":5,\"endpoints\":not json");
        assertThat(registry.view().clusters().get(C).topics().get("bad").problem()).contains("partition that is not a number");
        assertThat(events(KafkaEvent.Type.ZNODE_MALFORMED)).hasSize(2);
    }

    @Test
    void clustersUnderDifferentChrootsAndTheRootAreKeptApart() {
        start(noProbe());
        kafkaCluster(C, tree.session(30_000));
        kafkaCluster("/", tree.session(30_000));
        kafkaCluster("/other/kafka", tree.session(30_000));
        broker(tree.session(30_000), C, 1);
        broker(tree.session(30_000), C, 2);
        broker(tree.session(30_000), "/", 7);
        awaitView(r -> r.view().clusters().size() == 3 && cluster(C).brokers().size() == 2 && cluster("/").brokers().size() == 1);
        assertThat(cluster("/").brokers()).extracting(ClusterView.Broker::id).containsExactly(7);
        assertThat(cluster("/other/kafka").brokers()).isEmpty();
        assertThat(registry.view().clusters().keySet()).containsExactly("/", "/kafka/main", "/other/kafka");
        assertThat(events(KafkaEvent.Type.CLUSTER_APPEARED)).extracting(KafkaEvent::chroot).containsExactlyInAnyOrder("/", C, "/other/kafka");
        assertThat(cluster("/").topicsUrl()).isEqualTo("/api/kafka/clusters/%2F/topics");
    }

    @Test
    void aConsumerThatFallsBehindResyncsFromTheTreeInsteadOfQueueingWithoutBound() {
        start(noProbe().withFeedCapacity(2));
        long s = kafkaCluster(C, tree.session(30_000));
        for (int id = 1; id <= 40; id++) broker(tree.session(30_000), C, id);
        tree.put(s, C + "/config/topics/t", "{\"version\":1,\"config\":{\"retention.ms\":\"1\"}}");
        awaitView(r -> cluster(C) != null && cluster(C).brokers().size() == 40);
        // However the feed coalesced, every broker registered once, in order, and nothing twice.
        assertThat(events(KafkaEvent.Type.BROKER_REGISTERED)).extracting(KafkaEvent::brokerId).doesNotHaveDuplicates().hasSize(40);
    }

    @Test
    void theTimelineSurvivesARestart(@TempDir Path dir) {
        Path file = dir.resolve("timeline.jsonl");
        RegistryOptions options = noProbe().withTimeline(100, file);
        start(options);
        kafkaCluster(C, tree.session(30_000));
        long b = tree.session(30_000);
        broker(b, C, 1);
        tree.close(b);
        awaitView(r -> !events(KafkaEvent.Type.BROKER_GONE).isEmpty());
        List<KafkaEvent> before = registry.timeline().all();
        registry.close();

        start(options);
        // Numbers in details come back as JSON numbers (an epoch read back may be an Integer): compare what a reader sees.
        assertThat(registry.timeline().all()).extracting(KafkaEvent::id, KafkaEvent::type, KafkaEvent::message, KafkaEvent::timeMs)
                .containsExactlyElementsOf(before.stream().map(e -> org.assertj.core.groups.Tuple.tuple(e.id(), e.type(), e.message(), e.timeMs())).toList());
        long b2 = tree.session(30_000);
        broker(b2, C, 2);
        awaitView(r -> r.timeline().all().size() == before.size() + 1);
        KafkaEvent last = registry.timeline().last();
        assertThat(last.type()).isEqualTo(KafkaEvent.Type.BROKER_REGISTERED);
        assertThat(last.isAfter(before.get(before.size() - 1).zxid(), before.get(before.size() - 1).ordinal())).isTrue();
    }

    private static String state(int leader, int epoch, String isr) {
        return "{\"controller_epoch\":1,\"leader\":" + leader + ",\"version\":1,\"leader_epoch\":" + epoch + ",\"isr\":[" + isr + "]}";
    }
}
