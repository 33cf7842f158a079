package dev.meerkat.it.kafka;

import dev.meerkat.it.cluster.ReconfigTest;
import dev.meerkat.it.cluster.ReconfigurableEnsemble;
import dev.meerkat.it.cluster.WriteLoad;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.junit.jupiter.api.Test;

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
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rolling replacement under Kafka: two real Kafka 3.9.1 brokers on a 3-server Meerkat ensemble
 * whose servers are replaced one by one by new machines (new ids, new data directories, new
 * addresses) while the brokers produce with acks=all and applications write. Kafka's
 * {@code zookeeper.connect} names all six addresses from the start, as a list of DNS names an
 * operator prepares would. The Kafka cluster must not notice: same controller, every broker
 * registered with its epoch (no session expired), producing goes on, nothing acknowledged lost.
 */
class KafkaRollingReplacementTest {

    @Test
    void kafkaKeepsWorkingWhileEveryServerIsReplaced() throws Exception {
        Path dir = KafkaOnEnsembleTest.fresh("kafka-rolling-replacement");
        Map<String, Long> stalls = new LinkedHashMap<>();
        List<KafkaBroker> brokers = new ArrayList<>();
        try (ReconfigurableEnsemble e = ReconfigurableEnsemble.start(Files.createDirectories(dir.resolve("meerkat")),
                List.of(ReconfigTest.SUPER), 1, 2, 3)) {
            for (int id = 4; id <= 6; id++) e.serverLine(id, false); // the new machines' addresses exist before they do
            String all = e.connectString(1, 2, 3, 4, 5, 6);
            try (ZooKeeper zk = KafkaOnEnsembleTest.connect(all)) {
                for (int id = 1; id <= 2; id++) brokers.add(new KafkaBroker(id, all + "/kafka", dir, new Properties()).start());
                await("two brokers registered and a controller").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                        .until(() -> KafkaOnEnsembleTest.children(zk, "/kafka/brokers/ids").size() == 2
                                && KafkaOnEnsembleTest.exists(zk, "/kafka/controller"));
                String bootstrap = brokers.get(0).bootstrap() + "," + brokers.get(1).bootstrap();
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    // Registered in the coordinator is not yet known to every broker (the controller tells them).
                    await("every broker knows the other").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                            .until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 2);
                    admin.createTopics(List.of(new NewTopic("orders", 3, (short) 2).configs(Map.of("min.insync.replicas", "2"))))
                            .all().get(60, TimeUnit.SECONDS);
                }
                int controller = KafkaOnEnsembleTest.controllerId(zk);
                Map<Integer, Long> epochs = KafkaOnEnsembleTest.brokerEpochs(zk);
                long controllerEpochVersion = zk.exists("/kafka/controller_epoch", false).getVersion();

                try (ContinuousProducer producer = new ContinuousProducer(bootstrap, "orders", "r");
                     WriteLoad writes = new WriteLoad(all, 4, 10_000)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> producer.ackedCount() >= 50 && writes.ackCount() >= 50);
                    TreeSet<Integer> members = new TreeSet<>(List.of(1, 2, 3));
                    for (int[] swap : new int[][]{{1, 4}, {2, 5}, {3, 6}}) {
                        int old = swap[0];
                        int fresh = swap[1];
                        List<Integer> others = new ArrayList<>(members);
                        others.remove(Integer.valueOf(old));
                        long t0 = System.nanoTime();
                        int ackedBefore = producer.ackedCount();
                        try (ZooKeeperAdmin z = ReconfigTest.admin(e.connectString(others.stream().mapToInt(Integer::intValue).toArray()))) {
                            List<String> lines = ReconfigTest.lines(new String(z.getConfig(false, null), StandardCharsets.UTF_8));
                            String line = e.serverLine(fresh, false);
                            lines.add(line);
                            e.join(fresh, lines);
                            z.reconfigure(line, Integer.toString(old), null, -1, null);
                        }
                        e.stop(old);
                        members.remove(old);
                        members.add(fresh);
                        await("producing goes on after replacing server " + old).atMost(Duration.ofSeconds(60))
                                .until(() -> producer.ackedCount() >= ackedBefore + 50);
                        int acks = writes.ackCount();
                        await().atMost(Duration.ofSeconds(60)).until(() -> writes.ackCount() > acks + 20);
                        stalls.put("replace " + old + " by " + fresh, writes.longestStallMillis(t0, System.nanoTime()));
                    }
                    e.awaitServing(Duration.ofSeconds(30), 4, 5, 6);
                    // Longer than the brokers' session timeout: no session may expire meanwhile.
                    await("the Kafka cluster does not notice").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(250))
                            .until(() -> KafkaOnEnsembleTest.controllerId(zk) == controller && KafkaOnEnsembleTest.brokerEpochs(zk).equals(epochs));
                    assertThat(zk.exists("/kafka/controller_epoch", false).getVersion()).as("no controller election").isEqualTo(controllerEpochVersion);
                    producer.stop();
                    writes.stopWriting();
                    assertThat(producer.unexpected()).isNull();
                    assertThat(writes.expired()).as("no coordinator session expired").isZero();
                    Set<String> acked = new HashSet<>(producer.acked());
                    Set<String> consumed = KafkaOnEnsembleTest.consumeAll(bootstrap, acked.size());
                    assertThat(consumed).as("every acknowledged record is there").containsAll(acked);
                    System.out.printf("[kafka-rolling-replacement] %d records acknowledged, none lost; longest gap between acks=all records %.0f ms;"
                            + " coordinator write stalls (ms) %s%n", acked.size(), producer.maxGapMillis(), stalls);
                }
            }
        } finally {
            for (KafkaBroker b : brokers) b.killQuietly();
        }
    }
}
