package dev.meerkat.it.kafka;

import dev.meerkat.junit.InjectMeerkat;
import dev.meerkat.junit.MeerkatExtension;
import kafka.server.KafkaConfig;
import kafka.server.KafkaServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The example of docs/kafka-testing.md, kept compiling and green: a Kafka broker in-process on an embedded Meerkat. */
@ExtendWith(MeerkatExtension.class)
class InProcessKafkaExampleTest {
    @InjectMeerkat
    static String zookeeper;            // "127.0.0.1:<port>" of this class's Meerkat

    static KafkaServer broker;
    static String bootstrap;

    @BeforeAll
    static void startKafka(@TempDir Path logDir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        bootstrap = "127.0.0.1:" + port;
        Properties p = new Properties();
        p.put("broker.id", "0");
        p.put("zookeeper.connect", zookeeper + "/kafka");   // the broker creates the chroot itself
        p.put("listeners", "PLAINTEXT://" + bootstrap);
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.enable", "false");
        broker = new KafkaServer(KafkaConfig.fromProps(p), Time.SYSTEM, Option.empty(), false);
        broker.startup();
    }

    @AfterAll
    static void stopKafka() {
        if (broker != null) {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    @Test
    void whatIsProducedIsConsumed() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrap, "acks", "all",
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", StringSerializer.class.getName()))) {
            for (int i = 0; i < 10; i++) producer.send(new ProducerRecord<>("orders", "order-" + i)).get();
        }
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrap,
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName()))) {
            TopicPartition orders = new TopicPartition("orders", 0);
            consumer.assign(List.of(orders));
            consumer.seekToBeginning(List.of(orders));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) received.add(r.value());
                return received.size() >= 10;
            });
        }
        assertThat(received).startsWith("order-0", "order-1").hasSize(10);
    }
}
