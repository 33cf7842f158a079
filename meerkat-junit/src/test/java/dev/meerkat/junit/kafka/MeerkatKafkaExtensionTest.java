package dev.meerkat.junit.kafka;

import dev.meerkat.junit.Lifecycle;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class MeerkatKafkaExtensionTest {

    @Nested
    @MeerkatKafka(topics = {"orders", "payments:2"}, brokerProperties = "auto.create.topics.enable=false",
            bootstrapServersProperty = "test.kafka.bootstrap")
    class PerClass {
        @InjectKafka
        static KafkaCluster cluster;
        @InjectKafka
        static String bootstrapServers;
        static String seenInBeforeAll;

        @InjectKafka
        KafkaCluster instanceField;

        @BeforeAll
        static void beforeAll(KafkaCluster parameter) {
            assertThat(parameter).isSameAs(cluster);
            seenInBeforeAll = bootstrapServers;
        }

        @Test
        void injectsTheClusterAndCreatesTheTopics(@InjectKafka String bootstrap) throws Exception {
            assertThat(seenInBeforeAll).isEqualTo(bootstrap).isEqualTo(cluster.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(instanceField).isSameAs(cluster);
            assertThat(System.getProperty("test.kafka.bootstrap")).isEqualTo(bootstrap);
            try (Admin admin = cluster.admin()) {
                assertThat(admin.listTopics().names().get()).contains("orders", "payments");
                assertThat(admin.describeTopics(Set.of("payments")).allTopicNames().get().get("payments").partitions()).hasSize(2);
                // brokerProperties reached the brokers.
                assertThat(cluster.broker(0).config().autoCreateTopicsEnable()).isFalse();
            }
            KafkaClusterTest.produce(bootstrap, "orders", 5);
            assertThat(KafkaClusterTest.consumeAll(bootstrap, "orders", 1)).containsExactly("value-0", "value-1", "value-2", "value-3", "value-4");
        }
    }

    @Nested
    @MeerkatKafka(lifecycle = Lifecycle.PER_METHOD, topics = "events")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class PerMethod {
        static final Set<String> coordinators = ConcurrentHashMap.newKeySet();

        @Test
        @Order(1)
        void firstTestWritesARecord(KafkaCluster kafka) throws Exception {
            assertThat(coordinators.add(kafka.zookeeperConnect())).isTrue();
            KafkaClusterTest.produce(kafka.bootstrapServers(), "events", 1);
        }

        @Test
        @Order(2)
        void secondTestHasAFreshClusterWithAnEmptyTopic(KafkaCluster kafka) {
            assertThat(coordinators.add(kafka.zookeeperConnect())).as("a new Meerkat for this test").isTrue();
            assertThat(KafkaClusterTest.consumeAll(kafka.bootstrapServers(), "events", 1)).isEmpty();
        }
    }
}
