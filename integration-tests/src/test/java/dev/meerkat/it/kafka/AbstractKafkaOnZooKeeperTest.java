package dev.meerkat.it.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real Kafka 3.9.1 brokers (ZooKeeper mode, each in its own JVM) on a ZooKeeper-protocol server:
 * the same scenario runs against Meerkat and against Apache ZooKeeper 3.9.5, and each step's timing
 * goes into {@link KafkaTimings}. The steps build on each other and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractKafkaOnZooKeeperTest {
    static final int SESSION_TIMEOUT_MS = 6000;
    /** Nested chroots: the brokers create every missing level themselves. */
    static final String SOLO = "/kafka/solo";
    static final String MAIN = "/kafka/main";
    static final String TOPIC = "events";
    private static final Pattern BROKER_ID = Pattern.compile("\"brokerid\"\\s*:\\s*(-?\\d+)");

    private Path runDir;
    private ZooKeeper zk;
    private ZooKeeper soloZk;
    private ZooKeeper mainZk;
    private KafkaBroker solo;
    private final Map<Integer, KafkaBroker> main = new TreeMap<>();
    private Admin soloAdmin;
    private Admin mainAdmin;
    private boolean soloUp;
    private boolean mainUp;
    private long classStart;

    /** Starts the coordination service if needed; returns its {@code host:port}. */
    protected abstract String startCoordination() throws Exception;

    protected abstract void stopCoordination() throws Exception;

    protected abstract String backend();

    private String connectString;

    @BeforeAll
    void setUp() throws Exception {
        warmUpKafkaClients();
        ServerWarmUp.once();
        classStart = System.nanoTime();
        connectString = startCoordination();
        runDir = Files.createDirectories(Path.of("target", "kafka-runs", backend().replaceAll("\\W+", "-") + "-" + System.currentTimeMillis()));
        zk = connect(connectString);
    }

    @AfterAll
    void tearDown() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{soloAdmin, mainAdmin}) {
            if (c != null) c.close();
        }
        List<KafkaBroker> all = new ArrayList<>(main.values());
        if (solo != null) all.add(solo);
        for (KafkaBroker b : all) b.killQuietly();
        for (ZooKeeper z : new ZooKeeper[]{soloZk, mainZk, zk}) {
            if (z != null) z.close(1000);
        }
        stopCoordination();
        record("whole scenario (this class, wall clock, without warm-up)", classStart);
        KafkaTimings.write();
    }

    // ---- the scenario ------------------------------------------------------------------------

    @Test
    @Order(1)
    void oneBrokerCreatesItsChrootRegistersAndServes() throws Exception {
        assertThat(zk.exists("/kafka", false)).as("no chroot before the broker starts").isNull();
        soloZk = connect(connectString + SOLO);
        solo = new KafkaBroker(0, connectString + SOLO, runDir, new Properties());
        long t0 = System.nanoTime();
        solo.start();
        awaitBroker("broker 0 registers", Duration.ofSeconds(60), () -> soloZk.exists("/brokers/ids/0", false) != null, solo);
        record("1 broker: JVM start → registered (/brokers/ids/0)", t0);
        awaitBroker("broker 0 starts", Duration.ofSeconds(60), solo::isStarted, solo);
        record("1 broker: JVM start → started", t0);
        KafkaTimings.record(backend(), "1 broker: Kafka \"starting\" → registered (broker's log: chroot, paths, cluster id, logs, registration)",
                solo.startingToRegisteredMillis());
        assertThat(zk.exists(SOLO + "/brokers/ids/0", false)).as("the broker created its chroot").isNotNull();
        assertThat(soloZk.getChildren("/", false)).contains("brokers", "controller", "controller_epoch", "config", "admin", "cluster");

        soloAdmin = admin(List.of(solo));
        // The first admin round trip of the run also loads client classes: keep it out of the timing.
        assertThat(soloAdmin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        long t1 = System.nanoTime();
        soloAdmin.createTopics(List.of(new NewTopic("solo-topic", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        awaitBroker("solo-topic has a leader", Duration.ofSeconds(30), () -> partitionsReady(soloAdmin, "solo-topic", Set.of(0)), solo);
        record("1 broker: create topic (1 partition) → leader", t1);
        Set<String> sent = produce(solo.bootstrap(), "solo-topic", "solo", 100);
        assertThat(consumeUntil(solo.bootstrap(), "solo-topic", sent, Duration.ofSeconds(30))).containsAll(sent);
        soloUp = true;
    }

    @Test
    @Order(2)
    void threeBrokersFormACluster() throws Exception {
        mainZk = connect(connectString + MAIN);
        Properties withAcls = new Properties();
        // ACLs kept in ZooKeeper (/kafka-acl, change notifications under /kafka-acl-changes).
        withAcls.setProperty("authorizer.class.name", "kafka.security.authorizer.AclAuthorizer");
        withAcls.setProperty("allow.everyone.if.no.acl.found", "true");
        for (int id = 1; id <= 3; id++) main.put(id, new KafkaBroker(id, connectString + MAIN, runDir, withAcls));
        long t0 = System.nanoTime();
        for (KafkaBroker b : main.values()) b.start();
        awaitBroker("three brokers register", Duration.ofSeconds(90), () -> registeredIds(mainZk).size() == 3, main.values());
        record("3 brokers: JVM starts → all registered", t0);
        awaitBroker("three brokers start", Duration.ofSeconds(90), () -> main.values().stream().allMatch(KafkaBroker::isStarted), main.values());
        record("3 brokers: JVM starts → all started", t0);
        KafkaTimings.record(backend(), "3 brokers: Kafka \"starting\" → registered, slowest (broker's log)",
                main.values().stream().mapToDouble(KafkaBroker::startingToRegisteredMillis).max().orElse(Double.NaN));
        mainAdmin = admin(main.values());
        awaitBroker("the cluster shows three brokers and a controller", Duration.ofSeconds(30), () -> {
            var d = mainAdmin.describeCluster();
            Node controller = d.controller().get(5, TimeUnit.SECONDS);
            return d.nodes().get(5, TimeUnit.SECONDS).size() == 3 && controller != null && controller.id() >= 1;
        }, main.values());
        record("3 brokers: JVM starts → cluster of 3 with a controller (describeCluster)", t0);
        assertThat(controllerInZk(mainZk)).isIn(1, 2, 3);
        mainUp = true;
    }

    @Test
    @Order(3)
    void replicatedTopicProduceAckAllConsumeEverything() throws Exception {
        assumeTrue(mainUp, "the three-broker cluster is up");
        long t0 = System.nanoTime();
        mainAdmin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all().get(30, TimeUnit.SECONDS);
        record("create topic (3 partitions, RF 3): request answered", t0);
        awaitBroker("every partition of " + TOPIC + " has a leader and 3 in-sync replicas", Duration.ofSeconds(30),
                () -> partitionsReady(mainAdmin, TOPIC, Set.of(1, 2, 3)), main.values());
        record("create topic (3 partitions, RF 3) → leaders + full ISRs", t0);

        long t1 = System.nanoTime();
        Set<String> sent = produce(bootstrap(main.values()), TOPIC, "first", 1000);
        record("produce 1000 records, acks=all (one producer, batched)", t1);
        long t2 = System.nanoTime();
        assertThat(consumeUntil(bootstrap(main.values()), TOPIC, sent, Duration.ofSeconds(30))).containsAll(sent);
        record("consume the 1000 records back", t2);
    }

    @Test
    @Order(4)
    void dynamicTopicAndBrokerConfigTakeEffect() throws Exception {
        assumeTrue(mainUp, "the three-broker cluster is up");
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
        ConfigResource broker2 = new ConfigResource(ConfigResource.Type.BROKER, "2");
        ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
        long t0 = System.nanoTime();
        mainAdmin.incrementalAlterConfigs(Map.of(
                topic, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "4321000"), AlterConfigOp.OpType.SET)),
                broker2, List.of(new AlterConfigOp(new ConfigEntry("max.connections", "777"), AlterConfigOp.OpType.SET)),
                clusterDefault, List.of(new AlterConfigOp(new ConfigEntry("log.retention.ms", "8765000"), AlterConfigOp.OpType.SET))
        )).all().get(30, TimeUnit.SECONDS);
        record("incrementalAlterConfigs (topic, broker 2, cluster default): answered", t0);
        awaitBroker("topic config visible", Duration.ofSeconds(20),
                () -> "4321000".equals(configValue(topic, "retention.ms")), main.values());
        record("dynamic topic config visible (describeConfigs)", t0);
        awaitBroker("per-broker config applied by broker 2", Duration.ofSeconds(20), () -> {
            ConfigEntry e = configEntry(broker2, "max.connections");
            return e != null && "777".equals(e.value()) && e.source() == ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG;
        }, main.values());
        record("dynamic per-broker config applied by the broker", t0);
        awaitBroker("cluster-wide default applied by every broker", Duration.ofSeconds(20), () -> {
            for (int id : main.keySet()) {
                ConfigEntry e = configEntry(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id)), "log.retention.ms");
                if (e == null || !"8765000".equals(e.value()) || e.source() != ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG) return false;
            }
            return true;
        }, main.values());
        record("dynamic cluster-wide broker config applied by all 3 brokers (ZK change notifications)", t0);
        // The change notifications went through sequential znodes.
        assertThat(mainZk.getChildren("/config/changes", false)).allMatch(n -> n.matches("config_change_\\d{10}"));
    }

    @Test
    @Order(5)
    void controllerSigkillFailoverLosesNothingAndTheBrokerRejoins() throws Exception {
        assumeTrue(mainUp, "the three-broker cluster is up");
        int controllerId = mainAdmin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
        assertThat(controllerInZk(mainZk)).isEqualTo(controllerId);
        KafkaBroker victim = main.get(controllerId);
        long epochBefore = mainZk.exists("/brokers/ids/" + controllerId, false).getCzxid();

        try (ContinuousProducer producer = new ContinuousProducer(bootstrap(main.values()), TOPIC, "failover")) {
            awaitBroker("the producer gets going", Duration.ofSeconds(30), () -> producer.ackedCount() >= 100, main.values());
            long t0 = System.nanoTime();
            victim.kill(); // SIGKILL
            record("controller SIGKILL: process gone", t0);
            awaitBroker("another broker becomes controller in ZooKeeper", Duration.ofSeconds(30), () -> {
                Integer c = controllerInZk(mainZk);
                return c != null && c != controllerId;
            }, main.values());
            double failover = millisSince(t0);
            record("controller SIGKILL → new /controller (session timeout " + SESSION_TIMEOUT_MS + " ms)", t0);
            assertThat(failover).as("failover within the session timeout plus a small margin").isLessThan(SESSION_TIMEOUT_MS + 4000);
            awaitBroker("admin clients see the new controller", Duration.ofSeconds(30), () -> {
                Node c = mainAdmin.describeCluster().controller().get(5, TimeUnit.SECONDS);
                return c != null && c.id() >= 0 && c.id() != controllerId;
            }, main.values());
            record("controller SIGKILL → new controller in describeCluster", t0);
            int ackedAtFailover = producer.ackedCount();
            awaitBroker("producing continues", Duration.ofSeconds(60), () -> producer.ackedCount() >= ackedAtFailover + 200, main.values());
            record("controller SIGKILL → producing again (+200 acks)", t0);

            long t1 = System.nanoTime();
            victim.start();
            awaitBroker("the killed broker re-registers", Duration.ofSeconds(60), () -> {
                Stat st = mainZk.exists("/brokers/ids/" + controllerId, false);
                return st != null && st.getCzxid() > epochBefore;
            }, List.of(victim));
            record("killed broker restart → re-registered with a larger epoch", t1);
            awaitBroker("the restarted broker is back in every ISR", Duration.ofSeconds(60),
                    () -> partitionsReady(mainAdmin, TOPIC, Set.of(1, 2, 3)), main.values());
            record("killed broker restart → back in the ISR of every partition", t1);
            KafkaTimings.record(backend(), "killed broker restart: Kafka \"starting\" → registered (broker's log)",
                    victim.startingToRegisteredMillis());

            producer.stop();
            assertThat(producer.unexpected()).isNull();
            KafkaTimings.record(backend(), "longest produce stall during the failover (acks=all)", producer.maxGapMillis());
            Set<String> acked = new HashSet<>(producer.acked());
            long t2 = System.nanoTime();
            Set<String> consumed = consumeUntil(bootstrap(main.values()), TOPIC, acked, Duration.ofSeconds(60));
            record("consume everything acknowledged during the failover", t2);
            KafkaTimings.note(backend() + ": " + acked.size() + " records acknowledged during the failover step, "
                    + producer.failedCount() + " sends failed (not acknowledged), none lost");
            assertThat(consumed).as("every acknowledged record survives the controller's SIGKILL").containsAll(acked);
        }
    }

    @Test
    @Order(6)
    void brokerWhoseSessionExpiresReRegistersByItself() throws Exception {
        assumeTrue(mainUp, "the three-broker cluster is up");
        int controllerId = controllerInZk(mainZk);
        int id = main.keySet().stream().filter(i -> i != controllerId).findFirst().orElseThrow();
        KafkaBroker broker = main.get(id);
        String path = "/brokers/ids/" + id;
        long epochBefore = mainZk.exists(path, false).getCzxid();

        long t0 = System.nanoTime();
        broker.suspend(); // SIGSTOP: no pings, the session times out on the server
        try {
            awaitBroker("the frozen broker's session expires", Duration.ofSeconds(30), () -> mainZk.exists(path, false) == null, List.of(broker));
            record("SIGSTOP → session expired, registration gone", t0);
            assertThat(millisSince(t0)).isLessThan(SESSION_TIMEOUT_MS + 5000);
        } finally {
            broker.resume();
        }
        long t1 = System.nanoTime();
        awaitBroker("the broker re-registers after SIGCONT", Duration.ofSeconds(60), () -> {
            Stat st = mainZk.exists(path, false);
            return st != null && st.getCzxid() > epochBefore;
        }, List.of(broker));
        record("SIGCONT → re-registered (new session, larger epoch)", t1);
        awaitBroker("the broker is back in every ISR", Duration.ofSeconds(60),
                () -> partitionsReady(mainAdmin, TOPIC, Set.of(1, 2, 3)), main.values());
        record("SIGCONT → back in the ISR of every partition", t1);
        assertThat(broker.isAlive()).isTrue();
    }

    @Test
    @Order(7)
    void gracefulShutdownRemovesTheRegistrationAtOnce() throws Exception {
        assumeTrue(mainUp, "the three-broker cluster is up");
        int controllerId = controllerInZk(mainZk);
        int id = main.keySet().stream().filter(i -> i != controllerId).reduce((a, b) -> b).orElseThrow();
        KafkaBroker broker = main.get(id);
        String path = "/brokers/ids/" + id;
        assertThat(mainZk.exists(path, false)).isNotNull();

        long t0 = System.nanoTime();
        broker.terminate(); // SIGTERM: controlled shutdown, then the session is closed
        awaitBroker("the registration goes", Duration.ofSeconds(30), () -> mainZk.exists(path, false) == null, List.of(broker));
        double gone = millisSince(t0);
        record("SIGTERM → registration gone", t0);
        assertThat(broker.awaitExit(30, TimeUnit.SECONDS)).isTrue();
        record("SIGTERM → process exited", t0);
        assertThat(gone).as("the session is closed, not left to expire").isLessThan(SESSION_TIMEOUT_MS);
        assertThat(broker.logSinceStart()).contains("shut down completed");
    }

    @Test
    @Order(8)
    void twoClustersOnOneServerDoNotSeeEachOther() throws Exception {
        assumeTrue(soloUp && mainUp, "both clusters are up");
        long t0 = System.nanoTime();
        var soloCluster = soloAdmin.describeCluster();
        var mainCluster = mainAdmin.describeCluster();
        assertThat(ids(soloCluster.nodes().get(10, TimeUnit.SECONDS))).containsExactly(0);
        assertThat(ids(mainCluster.nodes().get(10, TimeUnit.SECONDS))).doesNotContain(0).isSubsetOf(1, 2, 3);
        assertThat(soloCluster.clusterId().get()).isNotEqualTo(mainCluster.clusterId().get());
        assertThat(soloCluster.controller().get().id()).isEqualTo(0);
        assertThat(soloAdmin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("solo-topic").doesNotContain(TOPIC);
        assertThat(mainAdmin.listTopics().names().get(10, TimeUnit.SECONDS)).contains(TOPIC).doesNotContain("solo-topic");
        assertThat(soloZk.getChildren("/brokers/ids", false)).containsExactly("0");
        assertThat(mainZk.getChildren("/brokers/ids", false)).doesNotContain("0");
        assertThat(soloZk.getChildren("/brokers/topics", false)).containsExactly("solo-topic");
        assertThat(zk.getChildren("/kafka", false)).containsExactlyInAnyOrder("solo", "main");
        assertThat(zk.getChildren("/", false)).containsExactlyInAnyOrder("kafka", "zookeeper");
        // The single broker is still fine after everything the other cluster went through.
        Set<String> sent = produce(solo.bootstrap(), "solo-topic", "solo-late", 50);
        assertThat(consumeUntil(solo.bootstrap(), "solo-topic", sent, Duration.ofSeconds(30))).containsAll(sent);
        record("isolation checks (two clusters, one server)", t0);
    }

    @Test
    @Order(9)
    void deletedTopicDisappearsFromZooKeeper() throws Exception {
        assumeTrue(mainUp, "the three-broker cluster is up");
        Set<Integer> alive = new HashSet<>(registeredIds(mainZk).stream().map(Integer::parseInt).collect(Collectors.toSet()));
        List<KafkaBroker> running = main.values().stream().filter(KafkaBroker::isAlive).collect(Collectors.toList());
        mainAdmin.createTopics(List.of(new NewTopic("doomed", 2, (short) alive.size()))).all().get(30, TimeUnit.SECONDS);
        awaitBroker("doomed is ready", Duration.ofSeconds(30), () -> partitionsReady(mainAdmin, "doomed", alive), running);
        long t0 = System.nanoTime();
        mainAdmin.deleteTopics(List.of("doomed")).all().get(30, TimeUnit.SECONDS);
        record("delete topic: request answered", t0);
        // /admin/delete_topics/<topic> → controller (child watch) → partitions and topic znodes deleted.
        awaitBroker("the topic's znodes are gone", Duration.ofSeconds(30), () -> mainZk.exists("/brokers/topics/doomed", false) == null
                && mainZk.getChildren("/admin/delete_topics", false).isEmpty()
                && !mainAdmin.listTopics().names().get(5, TimeUnit.SECONDS).contains("doomed"), running);
        record("delete topic → gone from ZooKeeper and from metadata", t0);
        assertThat(mainAdmin.listTopics().names().get(10, TimeUnit.SECONDS)).contains(TOPIC);
    }

    @Test
    @Order(11)
    void partitionsGrowMoveAndAclsPropagate() throws Exception {
        assumeTrue(mainUp, "the three-broker cluster is up");
        List<Integer> alive = registeredIds(mainZk).stream().map(Integer::parseInt).sorted().collect(Collectors.toList());
        assumeTrue(alive.size() >= 2, "two live brokers");
        List<KafkaBroker> running = main.values().stream().filter(KafkaBroker::isAlive).collect(Collectors.toList());
        int from = alive.get(0);
        int to = alive.get(1);

        // More partitions: a setData on /brokers/topics/<topic>, seen through the controller's data watch.
        mainAdmin.createTopics(List.of(new NewTopic("moving", Map.of(0, List.of(from))))).all().get(30, TimeUnit.SECONDS);
        awaitBroker("moving is ready", Duration.ofSeconds(30), () -> partitionsReady(mainAdmin, "moving", Set.of(from)), running);
        long t0 = System.nanoTime();
        mainAdmin.createPartitions(Map.of("moving", org.apache.kafka.clients.admin.NewPartitions.increaseTo(2, List.of(List.of(to)))))
                .all().get(30, TimeUnit.SECONDS);
        awaitBroker("the new partition has a leader", Duration.ofSeconds(30), () -> {
            TopicDescription d = mainAdmin.describeTopics(List.of("moving")).allTopicNames().get(5, TimeUnit.SECONDS).get("moving");
            return d.partitions().size() == 2 && d.partitions().get(1).leader() != null && d.partitions().get(1).leader().id() == to;
        }, running);
        record("add a partition → it has a leader", t0);

        // Move partition 0 from one broker to another.
        long t1 = System.nanoTime();
        TopicPartition p0 = new TopicPartition("moving", 0);
        mainAdmin.alterPartitionReassignments(Map.of(p0, java.util.Optional.of(
                new org.apache.kafka.clients.admin.NewPartitionReassignment(List.of(to))))).all().get(30, TimeUnit.SECONDS);
        awaitBroker("the reassignment completes", Duration.ofSeconds(30), () -> {
            if (!mainAdmin.listPartitionReassignments().reassignments().get(5, TimeUnit.SECONDS).isEmpty()) return false;
            TopicPartitionInfo info = mainAdmin.describeTopics(List.of("moving")).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get("moving").partitions().get(0);
            return ids(info.replicas()).equals(Set.of(to)) && info.leader() != null && info.leader().id() == to;
        }, running);
        record("reassign a partition to another broker → done", t1);

        // An ACL: written under /kafka-acl, announced by a sequential change node, cached by every broker.
        long t2 = System.nanoTime();
        var binding = new org.apache.kafka.common.acl.AclBinding(
                new org.apache.kafka.common.resource.ResourcePattern(org.apache.kafka.common.resource.ResourceType.TOPIC,
                        "acl-topic", org.apache.kafka.common.resource.PatternType.LITERAL),
                new org.apache.kafka.common.acl.AccessControlEntry("User:alice", "*",
                        org.apache.kafka.common.acl.AclOperation.READ, org.apache.kafka.common.acl.AclPermissionType.ALLOW));
        mainAdmin.createAcls(List.of(binding)).all().get(30, TimeUnit.SECONDS);
        for (KafkaBroker b : running) {
            try (Admin one = admin(List.of(b))) {
                awaitBroker("broker " + b.id + " knows the ACL", Duration.ofSeconds(30),
                        () -> one.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS).contains(binding),
                        running);
            }
        }
        record("create an ACL → every live broker has it", t2);
        assertThat(mainZk.exists("/kafka-acl/Topic/acl-topic", false)).isNotNull();
        // Literal resource patterns are announced under the original change path.
        assertThat(mainZk.getChildren("/kafka-acl-changes", false)).isNotEmpty()
                .allMatch(n -> n.matches("acl_changes_\\d{10}"));
    }

    /** The single broker's tree, per backend, as path → (ephemeral, version, cversion, children). */
    private static final Map<String, Map<String, String>> SOLO_TREES = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    @Order(10)
    void kafkaBuildsTheSameTreeOnBothServers() throws Exception {
        assumeTrue(soloUp, "the single broker is up");
        Map<String, String> tree = new TreeMap<>();
        dump(soloZk, "/", tree);
        SOLO_TREES.put(backend(), tree);
        for (Map.Entry<String, Map<String, String>> other : SOLO_TREES.entrySet()) {
            if (other.getKey().equals(backend())) continue;
            // The same broker doing the same things: the same znodes, kinds, versions and child counts.
            assertThat(tree).as("the single broker's tree on " + backend() + " against " + other.getKey())
                    .containsExactlyEntriesOf(other.getValue());
            KafkaTimings.note("The single broker's znode tree (" + tree.size() + " znodes: paths, ephemeral or not, version, "
                    + "cversion, number of children) is identical on " + other.getKey() + " and " + backend() + ".");
        }
    }

    private static void dump(ZooKeeper z, String path, Map<String, String> into) throws Exception {
        Stat st = new Stat();
        z.getData(path, false, st);
        List<String> children = z.getChildren(path, false);
        into.put(path, (st.getEphemeralOwner() != 0 ? "ephemeral" : "persistent") + " v" + st.getVersion()
                + " cv" + st.getCversion() + " children " + st.getNumChildren() + "/" + children.size());
        for (String c : children) dump(z, path.equals("/") ? "/" + c : path + "/" + c, into);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static boolean warmedUp;

    /**
     * Loads the Kafka client classes in the test JVM once, so that whichever backend runs first does
     * not pay for it in its timings.
     */
    private static synchronized void warmUpKafkaClients() {
        if (warmedUp) return;
        warmedUp = true;
        String nowhere = "127.0.0.1:" + KafkaBroker.freePort();
        Properties p = new Properties();
        p.put("bootstrap.servers", nowhere);
        p.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        p.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        Admin.create(p).close(Duration.ZERO);
        new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p).close(Duration.ZERO);
        new KafkaConsumer<String, String>(p).close(Duration.ZERO);
        KafkaTimings.note("Brokers: Kafka 3.9.1, each in its own JVM (ZooKeeper 3.8.4 client), zookeeper.session.timeout.ms="
                + SESSION_TIMEOUT_MS + "; both servers in-process in the test JVM with tickTime 2000; "
                + Runtime.getRuntime().availableProcessors() + " cores shared by the test JVM and up to 4 broker JVMs. "
                + "Single runs: JVM start-up steps vary by a second or more from run to run.");
    }

    private void record(String step, long t0) {
        KafkaTimings.record(backend(), step, millisSince(t0));
    }

    private static double millisSince(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper z = new ZooKeeper(connectString, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        assertThat(connected.await(15, TimeUnit.SECONDS)).as("connected to " + connectString).isTrue();
        return z;
    }

    private static Set<String> registeredIds(ZooKeeper z) throws Exception {
        try {
            return new HashSet<>(z.getChildren("/brokers/ids", false));
        } catch (KeeperException.NoNodeException e) {
            return Set.of();
        }
    }

    /** The broker id in {@code /controller}, or null when there is no controller. */
    private static Integer controllerInZk(ZooKeeper z) throws Exception {
        try {
            byte[] data = z.getData("/controller", false, null);
            if (data == null) return null;
            Matcher m = BROKER_ID.matcher(new String(data, StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : null;
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    /** Awaits a condition; on time-out the failure carries the tails of the brokers' logs. */
    private static void awaitBroker(String what, Duration atMost, Callable<Boolean> condition, Collection<KafkaBroker> brokers) {
        try {
            await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder(what + ": not within " + atMost);
            for (KafkaBroker b : brokers) {
                sb.append("\n---- ").append(b).append(b.isAlive() ? " (alive)" : " (dead)").append(", log ")
                        .append(b.logFile().toAbsolutePath()).append(":\n").append(b.tail(40));
            }
            throw new AssertionError(sb.toString(), e);
        }
    }

    private static void awaitBroker(String what, Duration atMost, Callable<Boolean> condition, KafkaBroker broker) {
        awaitBroker(what, atMost, condition, List.of(broker));
    }

    private static String bootstrap(Collection<KafkaBroker> brokers) {
        return brokers.stream().map(KafkaBroker::bootstrap).collect(Collectors.joining(","));
    }

    private static Admin admin(Collection<KafkaBroker> brokers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(brokers));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        p.put(AdminClientConfig.METADATA_MAX_AGE_CONFIG, "1000");
        return Admin.create(p);
    }

    private static boolean partitionsReady(Admin admin, String topic, Set<Integer> inSync) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        for (TopicPartitionInfo p : d.partitions()) {
            if (p.leader() == null || p.leader().id() < 0) return false;
            if (!ids(p.isr()).containsAll(inSync)) return false;
        }
        return !d.partitions().isEmpty();
    }

    private static Set<Integer> ids(Collection<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private ConfigEntry configEntry(ConfigResource resource, String name) throws Exception {
        Config c = mainAdmin.describeConfigs(List.of(resource)).all().get(5, TimeUnit.SECONDS).get(resource);
        return c == null ? null : c.get(name);
    }

    private String configValue(ConfigResource resource, String name) throws Exception {
        ConfigEntry e = configEntry(resource, name);
        return e == null ? null : e.value();
    }

    /** Produces {@code count} records with acks=all and waits for every acknowledgement. */
    private static Set<String> produce(String bootstrap, String topic, String prefix, int count) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.put("delivery.timeout.ms", "60000");
        p.put("request.timeout.ms", "10000");
        p.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        p.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        Set<String> sent = new HashSet<>();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p)) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String v = prefix + "-" + i;
                acks.add(producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, v)));
                sent.add(v);
            }
            for (var f : acks) f.get(60, TimeUnit.SECONDS);
        }
        return sent;
    }

    /** Reads every partition from the beginning until {@code expected} has all been seen. */
    private static Set<String> consumeUntil(String bootstrap, String topic, Set<String> expected, Duration atMost) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            try {
                await("consume " + expected.size() + " records from " + topic).atMost(atMost).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1)).pollInSameThread().until(() -> {
                            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) seen.add(r.value());
                            return seen.containsAll(expected);
                        });
            } catch (ConditionTimeoutException e) {
                Set<String> missing = new HashSet<>(expected);
                missing.removeAll(seen);
                throw new AssertionError(missing.size() + " acknowledged records missing from " + topic + ", e.g. "
                        + missing.stream().limit(10).collect(Collectors.toList()), e);
            }
        }
        return seen;
    }
}
