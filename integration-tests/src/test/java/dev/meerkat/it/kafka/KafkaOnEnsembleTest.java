package dev.meerkat.it.kafka;

import dev.meerkat.it.cluster.MeerkatEnsemble;
import dev.meerkat.it.cluster.WriteLoad;
import dev.meerkat.it.cluster.ZooKeeperEnsemble;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real Kafka 3.9.1 brokers under a chroot on a 3-server coordinator. kill -9 of the
 * coordinator's leader while producing with acks=all: the Kafka cluster does not notice (same
 * controller, every broker registered with the same epoch, producing goes on, nothing lost); then
 * the Kafka controller is killed and a new one is elected on the two remaining servers. The same
 * scenario runs on a 3-server Meerkat and a 3-server Apache ZooKeeper 3.9.5 in the same run, with
 * the same tickTime, and the figures are reported side by side.
 */
class KafkaOnEnsembleTest {
    private static final int TICK_MS = 2000;
    private static final Map<String, Map<String, String>> FIGURES = new LinkedHashMap<>();

    /** What the scenario needs of a coordinator ensemble. */
    interface Ensemble extends AutoCloseable {
        String connectString();

        int leader();

        void kill(int id);

        @Override
        void close();
    }

    @Test
    void meerkat() throws Exception {
        Path dir = fresh("kafka-on-meerkat-ensemble");
        MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(TICK_MS), dir);
        scenario("Meerkat (3 servers)", new Ensemble() {
            public String connectString() { return e.connectString(); }
            public int leader() { return e.leader(); }
            public void kill(int id) { e.kill(id); }
            public void close() { e.close(); }
        }, dir);
    }

    @Test
    void zooKeeper() throws Exception {
        Path dir = fresh("kafka-on-zookeeper-ensemble");
        ZooKeeperEnsemble z = ZooKeeperEnsemble.start(3, TICK_MS, dir);
        scenario("ZooKeeper 3.9.5 (3 servers)", new Ensemble() {
            public String connectString() { return z.connectString(); }
            public int leader() { return z.leader(); }
            public void kill(int id) { z.kill(id); }
            public void close() { z.close(); }
        }, dir);
    }

    private void scenario(String name, Ensemble ensemble, Path dir) throws Exception {
        Map<String, String> figures = new LinkedHashMap<>();
        FIGURES.put(name, figures);
        long scenarioStart = System.nanoTime();
        List<KafkaBroker> brokers = new ArrayList<>();
        try (ensemble; ZooKeeper zk = connect(ensemble.connectString())) {
            for (int id = 1; id <= 3; id++) brokers.add(new KafkaBroker(id, ensemble.connectString() + "/kafka", dir, new Properties()).start());
            await("three brokers registered and a controller").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> children(zk, "/kafka/brokers/ids").size() == 3 && exists(zk, "/kafka/controller"));
            String bootstrap = brokers.get(0).bootstrap() + "," + brokers.get(1).bootstrap() + "," + brokers.get(2).bootstrap();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                // Registered in the coordinator is not yet known to every broker (the controller tells them).
                await("every broker knows the other two").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 3);
                admin.createTopics(List.of(new NewTopic("orders", 3, (short) 3).configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
            }
            int controller = controllerId(zk);
            Map<Integer, Long> epochs = brokerEpochs(zk);
            long controllerEpochVersion = zk.exists("/kafka/controller_epoch", false).getVersion();

            try (ContinuousProducer producer = new ContinuousProducer(bootstrap, "orders", "r");
                 WriteLoad writes = new WriteLoad(ensemble.connectString(), 2, 10_000)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> producer.ackedCount() >= 50 && writes.ackCount() >= 50);
                int leader = ensemble.leader();
                long killedAt = System.nanoTime();
                ensemble.kill(leader);
                int ackedAtKill = producer.ackedCount();
                await("coordinator writes resume").atMost(Duration.ofSeconds(60)).until(() -> writes.acksAfter(killedAt) >= 20);
                await("producing goes on").atMost(Duration.ofSeconds(60)).until(() -> producer.ackedCount() >= ackedAtKill + 100);
                // Longer than the brokers' session timeout: no session may expire meanwhile.
                await("the Kafka cluster does not notice").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> controllerId(zk) == controller && brokerEpochs(zk).equals(epochs));
                figures.put("coordinator write stall after leader kill -9 (ms)", Long.toString(writes.longestStallMillis(killedAt, System.nanoTime())));
                figures.put("first coordinator write acknowledged after the kill (ms)", Long.toString(writes.firstAckAfterMillis(killedAt)));
                figures.put("longest gap between two acks=all records (ms)", String.format("%.0f", producer.maxGapMillis()));
                assertThat(zk.exists("/kafka/controller_epoch", false).getVersion()).as("no controller election").isEqualTo(controllerEpochVersion);
                assertThat(writes.expired()).as("no coordinator session expired").isZero();

                // Then the Kafka controller dies: a new one is elected on the two remaining servers.
                KafkaBroker dead = brokers.get(controller - 1);
                long controllerKilledAt = System.nanoTime();
                dead.kill();
                await("a new Kafka controller").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> exists(zk, "/kafka/controller") && controllerId(zk) != controller);
                figures.put("Kafka controller kill -9 -> new controller (ms)",
                        Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - controllerKilledAt)));
                int ackedAtControllerKill = producer.ackedCount();
                await("producing goes on without the old controller").atMost(Duration.ofSeconds(90))
                        .until(() -> producer.ackedCount() >= ackedAtControllerKill + 50);
                producer.stop();
                assertThat(producer.unexpected()).isNull();
                Set<String> acked = new HashSet<>(producer.acked());
                Set<String> consumed = consumeAll(brokers.get(controller % 3).bootstrap() + "," + brokers.get((controller + 1) % 3).bootstrap(),
                        acked.size());
                assertThat(consumed).as("every acknowledged record is there").containsAll(acked);
                figures.put("records acknowledged / lost", acked.size() + " / 0");
            }
            figures.put("whole scenario (s)", String.format("%.1f", (System.nanoTime() - scenarioStart) / 1e9));
        } finally {
            for (KafkaBroker b : brokers) b.killQuietly();
        }
    }

    @AfterAll
    static void report() throws IOException {
        if (FIGURES.isEmpty()) return;
        Set<String> rows = new java.util.LinkedHashSet<>();
        FIGURES.values().forEach(f -> rows.addAll(f.keySet()));
        StringBuilder table = new StringBuilder("| Kafka on a 3-server coordinator, tickTime " + TICK_MS + " ms |");
        FIGURES.keySet().forEach(k -> table.append(' ').append(k).append(" |"));
        table.append("\n|---|").append("---:|".repeat(FIGURES.size())).append('\n');
        for (String row : rows) {
            table.append("| ").append(row).append(" |");
            for (Map<String, String> f : FIGURES.values()) table.append(' ').append(f.getOrDefault(row, "-")).append(" |");
            table.append('\n');
        }
        System.out.println("[kafka-ensemble]\n" + table);
        Files.writeString(Path.of("target", "kafka-ensemble-timings.md"), table.toString());
    }

    // ---- helpers ------------------------------------------------------------------------------------

    static Path fresh(String name) throws IOException {
        Path dir = Path.of("target", "cluster-runs", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        return Files.createDirectories(dir);
    }

    static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 20_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    static List<String> children(ZooKeeper zk, String path) throws Exception {
        try {
            return zk.getChildren(path, false);
        } catch (KeeperException.NoNodeException | KeeperException.ConnectionLossException e) {
            return List.of();
        }
    }

    static boolean exists(ZooKeeper zk, String path) throws Exception {
        try {
            return zk.exists(path, false) != null;
        } catch (KeeperException.ConnectionLossException e) {
            return false;
        }
    }

    private static final Pattern BROKER_ID = Pattern.compile("\"brokerid\":(\\d+)");

    static int controllerId(ZooKeeper zk) throws Exception {
        try {
            Matcher m = BROKER_ID.matcher(new String(zk.getData("/kafka/controller", false, null), StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (KeeperException.NoNodeException | KeeperException.ConnectionLossException e) {
            return -1;
        }
    }

    /** Broker id to its epoch (the czxid of its registration). */
    static Map<Integer, Long> brokerEpochs(ZooKeeper zk) throws Exception {
        Map<Integer, Long> out = new TreeMap<>();
        for (String id : children(zk, "/kafka/brokers/ids")) {
            try {
                Stat s = zk.exists("/kafka/brokers/ids/" + id, false);
                if (s != null) out.put(Integer.parseInt(id), s.getCzxid());
            } catch (KeeperException.ConnectionLossException e) {
                return Map.of();
            }
        }
        return out;
    }

    static Set<String> consumeAll(String bootstrap, int atLeast) {
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName()))) {
            List<TopicPartition> partitions = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1), new TopicPartition("orders", 2));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) seen.add(r.value());
                return seen.size() >= atLeast;
            });
        }
        return seen;
    }
}
