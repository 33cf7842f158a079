package dev.meerkat.junit.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The plain Java builder, without JUnit's help: a 3-broker cluster, failover and restart. */
class KafkaClusterTest {

    @Test
    void threeBrokersFailOverAndRejoin() throws Exception {
        Path logs;
        try (KafkaCluster kafka = KafkaCluster.builder().brokers(3).topic("orders:3:3").start()) {
            logs = Path.of(kafka.broker(0).config().logDirs().head());
            assertThat(kafka.brokerIds()).containsExactly(0, 1, 2);
            assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
            assertThat(kafka.zookeeperConnect()).isEqualTo(kafka.meerkat().connectString());

            produce(kafka.bootstrapServers(), "orders", 30);
            TopicPartitionInfo before = partition(kafka, "orders", 0);
            assertThat(before.isr()).hasSize(3);
            int leader = before.leader().id();

            kafka.killBroker(leader);
            assertThat(kafka.isRunning(leader)).isFalse();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                TopicPartitionInfo p = partition(kafka, "orders", 0);
                assertThat(p.leader()).isNotNull();
                assertThat(p.leader().id()).as("partition 0's leader moved off the killed broker").isNotEqualTo(leader);
                assertThat(p.isr().stream().map(Node::id)).doesNotContain(leader);
            });
            // Nothing acknowledged with acks=all is lost, and the survivors keep taking writes.
            produce(kafka.bootstrapServers(), "orders", 30);
            assertThat(consumeAll(kafka.bootstrapServers(), "orders", 3)).hasSize(60);

            kafka.restartBroker(leader);
            assertThat(kafka.isRunning(leader)).isTrue();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(partition(kafka, "orders", 0).isr().stream().map(Node::id)).as("the restarted broker caught up").contains(leader));
            assertThatThrownBy(() -> kafka.restartBroker(leader)).isInstanceOf(IllegalStateException.class).hasMessageContaining("is running");
        }
        assertThat(Files.exists(logs.getParent())).as("log directories removed by close()").isFalse();
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> KafkaCluster.builder().brokerProperty("broker.id", "7"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broker.id is set by the cluster");
        assertThatThrownBy(() -> KafkaCluster.builder().brokerProperties("no-equals-sign"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key=value");
        assertThatThrownBy(() -> KafkaCluster.builder().topic("orders:x").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numbers");
        assertThatThrownBy(() -> KafkaCluster.builder().brokers(0)).isInstanceOf(IllegalArgumentException.class);
    }

    static TopicPartitionInfo partition(KafkaCluster kafka, String topic, int partition) throws Exception {
        try (Admin admin = kafka.admin()) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return d.partitions().get(partition);
        }
    }

    static void produce(String bootstrap, String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrap, "acks", "all",
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()))) {
            for (int i = 0; i < count; i++) producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
        }
    }

    static List<String> consumeAll(String bootstrap, String topic, int partitions) {
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrap,
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName()))) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) all.add(new TopicPartition(topic, p));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) received.add(r.value());
                return received.size() >= total;
            });
        }
        return received;
    }
}
