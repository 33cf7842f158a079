import dev.meerkat.junit.kafka.InjectKafka;
import dev.meerkat.junit.kafka.MeerkatKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Not from the docs: Spring Kafka's template, on the classpath beside Meerkat, sending to a @MeerkatKafka cluster. */
@MeerkatKafka(topics = "greetings", bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class SpringKafkaTemplateTest {
    @InjectKafka
    static String bootstrapServers;

    @Test
    void aKafkaTemplateSendsToTheEmbeddedCluster() throws Exception {
        assertThat(System.getProperty("spring.kafka.bootstrap-servers")).isEqualTo(bootstrapServers);
        DefaultKafkaProducerFactory<String, String> factory = new DefaultKafkaProducerFactory<>(Map.of(
                "bootstrap.servers", bootstrapServers, "acks", "all",
                "key.serializer", StringSerializer.class, "value.serializer", StringSerializer.class));
        try {
            new KafkaTemplate<>(factory).send("greetings", "hello from spring").get();
        } finally {
            factory.destroy();
        }
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrapServers,
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName()))) {
            TopicPartition p = new TopicPartition("greetings", 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) received.add(r.value());
                return !received.isEmpty();
            });
        }
        assertThat(received).containsExactly("hello from spring");
    }
}
