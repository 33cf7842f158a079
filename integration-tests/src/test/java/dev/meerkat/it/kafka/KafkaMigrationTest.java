package dev.meerkat.it.kafka;

import dev.meerkat.it.migrate.Cli;
import dev.meerkat.it.migrate.RealZooKeeper;
import dev.meerkat.it.migrate.TreeDump;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.migrate.live.LiveCopy;
import dev.meerkat.server.migrate.live.LiveCopyOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Kafka 3.9.1 cluster (two brokers in JVMs of their own, ZooKeeper mode, ACLs in ZooKeeper with
 * AclAuthorizer) moved from ZooKeeper 3.9.5 to Meerkat and back, the way the README tells an
 * operator to: offline import, then export back to a ZooKeeper, then a live copy into Meerkat while
 * the brokers keep writing, with a cut-over. At every step the brokers must find all their topics,
 * partition assignments, configs, ACLs and messages, under the same cluster id; after the offline
 * import each broker's epoch (the czxid of its registration) must be larger than before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaMigrationTest {
    private static final String CHROOT = "/kafka";
    private static final int SESSION_MS = 30_000;
    /** On a topic of its own: with AclAuthorizer, any ACL on a topic shuts everyone else out of it. */
    private static final AclBinding ALICE_READS_AUDITED = new AclBinding(
            new ResourcePattern(ResourceType.TOPIC, "audited", PatternType.LITERAL),
            new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));

    private final Path run;
    private final Properties withAcls = new Properties();
    private final List<KafkaBroker> brokers = new ArrayList<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private String clusterId;
    private final Map<Integer, Long> epochs = new HashMap<>();
    private Set<String> orders;
    private Set<String> duringCopy;
    private Map<String, String> meerkatDump;

    KafkaMigrationTest() throws Exception {
        run = Files.createDirectories(Path.of("target", "kafka-runs", "migration-" + System.currentTimeMillis()));
        withAcls.setProperty("authorizer.class.name", "kafka.security.authorizer.AclAuthorizer");
        withAcls.setProperty("allow.everyone.if.no.acl.found", "true");
    }

    @AfterAll
    void tearDown() throws Exception {
        for (KafkaBroker b : brokers) b.killQuietly();
        for (AutoCloseable s : servers) s.close();
    }

    @Test
    @Order(1)
    void onZooKeeperTheClusterGetsTopicsConfigsAclsAReassignmentAndADeletedTopic() throws Exception {
        RealZooKeeper zk = new RealZooKeeper(run.resolve("zk-1"), null, 300);
        servers.add(zk);
        start(zk.connectString());
        try (Admin admin = admin()) {
            clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 2).configs(Map.of("retention.ms", "4321000")),
                    new NewTopic("moving", Map.of(0, List.of(1))), new NewTopic("doomed", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            awaitKafka("the topics have leaders", () -> leaders(admin, "orders") && leaders(admin, "moving") && leaders(admin, "doomed"));
            admin.deleteTopics(List.of("doomed")).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(ALICE_READS_AUDITED)).all().get(30, TimeUnit.SECONDS);
            TopicPartition moving = new TopicPartition("moving", 0);
            admin.alterPartitionReassignments(Map.of(moving, Optional.of(new NewPartitionReassignment(List.of(2))))).all().get(30, TimeUnit.SECONDS);
            awaitKafka("the reassignment is done and the deleted topic gone", () -> replicas(admin, "moving").equals(List.of(2))
                    && admin.listPartitionReassignments().reassignments().get(5, TimeUnit.SECONDS).isEmpty()
                    && !admin.listTopics().names().get(5, TimeUnit.SECONDS).contains("doomed"));
        }
        orders = produce("orders", "before-migration", 200);
        try (ZooKeeper c = RealZooKeeper.connect(zk.connectString() + CHROOT, SESSION_MS)) {
            for (int id : List.of(1, 2)) epochs.put(id, c.exists("/brokers/ids/" + id, false).getCzxid());
        }
        stopBrokers();
        zk.close();
        servers.remove(zk);
    }

    @Test
    @Order(2)
    void importedIntoMeerkatTheSameBrokersFindEverythingWithLargerEpochs() throws Exception {
        Path data = run.resolve("meerkat-imported");
        Cli.Result r = Cli.run("import", "--zookeeper-data-dir", run.resolve("zk-1").toString(), "--data-dir", data.toString());
        assertThat(r.exit()).as(r.toString()).isZero();

        Map<String, String> zkDump;
        try (RealZooKeeper zk = new RealZooKeeper(run.resolve("zk-1"), null, 300); ZooKeeper c = RealZooKeeper.connect(zk.connectString(), SESSION_MS)) {
            zkDump = TreeDump.of(c);
        }
        Meerkat meerkat = Meerkat.embedded(data);
        servers.add(meerkat);
        try (ZooKeeper c = RealZooKeeper.connect(meerkat.connectString(), SESSION_MS)) {
            assertThat(TreeDump.of(c)).as("the tree Kafka left in ZooKeeper, every stat included").containsExactlyEntriesOf(zkDump);
        }
        start(meerkat.connectString());
        try (ZooKeeper c = RealZooKeeper.connect(meerkat.connectString() + CHROOT, SESSION_MS)) {
            for (int id : List.of(1, 2)) {
                long epoch = c.exists("/brokers/ids/" + id, false).getCzxid();
                assertThat(epoch).as("broker " + id + "'s epoch grows across the switch").isGreaterThan(epochs.get(id));
                epochs.put(id, epoch);
            }
        }
        everythingIsThere(false);
        stopBrokers();
        try (ZooKeeper c = RealZooKeeper.connect(meerkat.connectString(), SESSION_MS)) {
            meerkatDump = TreeDump.of(c);
        }
        meerkat.close();
        servers.remove(meerkat);
    }

    @Test
    @Order(3)
    void exportedBackZooKeeperServesTheSameTreeAndTheBrokersRunOnIt() throws Exception {
        Path zkDir = run.resolve("zk-exported");
        Cli.Result r = Cli.run("export", "--data-dir", run.resolve("meerkat-imported").toString(), "--zookeeper-data-dir", zkDir.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        RealZooKeeper zk = new RealZooKeeper(zkDir, null, 300);
        servers.add(zk);
        try (ZooKeeper c = RealZooKeeper.connect(zk.connectString(), SESSION_MS)) {
            assertThat(TreeDump.of(c)).as("the tree Meerkat served").containsExactlyEntriesOf(meerkatDump);
        }
        start(zk.connectString());
        try (ZooKeeper c = RealZooKeeper.connect(zk.connectString() + CHROOT, SESSION_MS)) {
            for (int id : List.of(1, 2)) {
                assertThat(c.exists("/brokers/ids/" + id, false).getCzxid()).as("epochs grow on the way back too").isGreaterThan(epochs.get(id));
            }
        }
        everythingIsThere(false);
    }

    @Test
    @Order(4)
    void aLiveCopyWhileTheBrokersWriteThenACutOverLosesNothing() throws Exception {
        RealZooKeeper zk = (RealZooKeeper) servers.get(servers.size() - 1);
        Meerkat meerkat = Meerkat.embedded(run.resolve("meerkat-live"));
        servers.add(meerkat);
        StringWriter out = new StringWriter();
        LiveCopy copy = new LiveCopy(LiveCopyOptions.parse(zk.connectString() + CHROOT, meerkat.connectString(), List.of(), List.of(),
                false, false, 5, 5), new PrintWriter(out, true), new PrintWriter(out, true));
        copy.start();
        // The cluster keeps working on ZooKeeper meanwhile: a new topic, a config change, messages.
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("during-copy", 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
            awaitKafka("during-copy has leaders", () -> leaders(admin, "during-copy"));
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "orders"),
                    List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "5432000"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        duringCopy = produce("during-copy", "during", 100);
        await("the copy follows the cluster").atMost(Duration.ofSeconds(60))
                .until(() -> copy.status().changesApplied() > 0 && copy.status().pending() == 0);

        // Cut-over: brokers stop (their sessions close on ZooKeeper), the copy catches up, stops, brokers move.
        stopBrokers();
        LiveCopy.Status s = copy.awaitInStep(Duration.ofSeconds(60));
        assertThat(s.inStep()).as(s + "\n" + out).isTrue();
        assertThat(copy.stop()).as(out.toString()).isZero();
        zk.close();
        servers.remove(zk);
        start(meerkat.connectString());
        everythingIsThere(true);
    }

    // ---- what the brokers must find after every move ----------------------------------------------

    private void everythingIsThere(boolean afterLiveCopy) throws Exception {
        try (Admin admin = admin()) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).as("cluster id").isEqualTo(clusterId);
            awaitKafka("every partition has a leader", () -> leaders(admin, "orders") && leaders(admin, "moving"));
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(topics).contains("orders", "moving").doesNotContain("doomed");
            assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get(30, TimeUnit.SECONDS).get("orders").partitions()).hasSize(3);
            assertThat(replicas(admin, "moving")).as("the reassignment stays done").isEqualTo(List.of(2));
            ConfigResource ordersConfig = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
            assertThat(admin.describeConfigs(List.of(ordersConfig)).all().get(30, TimeUnit.SECONDS).get(ordersConfig).get("retention.ms").value())
                    .isEqualTo(afterLiveCopy ? "5432000" : "4321000");
            awaitKafka("both brokers know alice's ACL", () ->
                    admin.describeAcls(AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS).contains(ALICE_READS_AUDITED));
            if (afterLiveCopy) {
                assertThat(topics).contains("during-copy");
                awaitKafka("during-copy has leaders", () -> leaders(admin, "during-copy"));
            }
        }
        assertThat(consume("orders", orders)).containsAll(orders);
        if (afterLiveCopy) assertThat(consume("during-copy", duringCopy)).containsAll(duringCopy);
    }

    // ---- brokers --------------------------------------------------------------------------------

    private void start(String zookeeper) {
        brokers.clear();
        for (int id : List.of(1, 2)) brokers.add(new KafkaBroker(id, zookeeper + CHROOT, run, withAcls).start());
        awaitKafka("both brokers start", () -> brokers.stream().allMatch(KafkaBroker::isStarted));
    }

    private void stopBrokers() throws InterruptedException {
        for (KafkaBroker b : brokers) b.terminate();
        for (KafkaBroker b : brokers) assertThat(b.awaitExit(90, TimeUnit.SECONDS)).as(b + " stops").isTrue();
    }

    private void awaitKafka(String what, Callable<Boolean> condition) {
        try {
            await(what).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder(what + ": not within 120 s");
            for (KafkaBroker b : brokers) sb.append("\n---- ").append(b).append(", log ").append(b.logFile().toAbsolutePath()).append(":\n").append(b.tail(30));
            throw new AssertionError(sb.toString(), e);
        }
    }

    private String bootstrap() {
        return brokers.stream().map(KafkaBroker::bootstrap).collect(Collectors.joining(","));
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(AdminClientConfig.METADATA_MAX_AGE_CONFIG, "1000");
        return Admin.create(p);
    }

    private static boolean leaders(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        for (TopicPartitionInfo p : d.partitions()) if (p.leader() == null || p.leader().id() < 0) return false;
        return !d.partitions().isEmpty();
    }

    private static List<Integer> replicas(Admin admin, String topic) throws Exception {
        TopicPartitionInfo p = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions().get(0);
        return p.replicas().stream().map(Node::id).toList();
    }

    private Set<String> produce(String topic, String prefix, int count) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("acks", "all");
        p.put("linger.ms", "5");
        p.put("max.block.ms", "60000");
        p.put("delivery.timeout.ms", "60000");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        Set<String> sent = new HashSet<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String v = prefix + "-" + i;
                acks.add(producer.send(new ProducerRecord<>(topic, v)));
                sent.add(v);
            }
            for (Future<?> f : acks) f.get(60, TimeUnit.SECONDS);
        }
        return sent;
    }

    private Set<String> consume(String topic, Set<String> expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Set<String> seen = new TreeSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            await("consume " + topic).atMost(Duration.ofSeconds(60)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) seen.add(r.value());
                return seen.containsAll(expected);
            });
        }
        return seen;
    }
}
