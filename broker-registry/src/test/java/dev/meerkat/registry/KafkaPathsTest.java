package dev.meerkat.registry;

import dev.meerkat.registry.kafka.KafkaPath;
import dev.meerkat.registry.kafka.KafkaPaths;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaPathsTest {
    @Test
    void readsKafkasLayoutUnderAnyChroot() {
        assertThat(KafkaPaths.parse("/brokers/ids/3")).containsExactly(new KafkaPath("/", KafkaPath.Kind.BROKER, "3", -1));
        assertThat(KafkaPaths.parse("/kafka/main/brokers/topics/orders/partitions/2/state"))
                .containsExactly(new KafkaPath("/kafka/main", KafkaPath.Kind.PARTITION_STATE, "orders", 2));
        assertThat(KafkaPaths.parse("/a/config/brokers/<default>")).containsExactly(new KafkaPath("/a", KafkaPath.Kind.BROKER_CONFIG, "<default>", -1));
        assertThat(KafkaPaths.parse("/a/admin/delete_topics/t")).containsExactly(new KafkaPath("/a", KafkaPath.Kind.DELETE_TOPIC, "t", -1));
        assertThat(KafkaPaths.parse("/controller")).containsExactly(new KafkaPath("/", KafkaPath.Kind.CONTROLLER, null, -1));
        assertThat(KafkaPaths.parse("/x/cluster/id")).containsExactly(new KafkaPath("/x", KafkaPath.Kind.CLUSTER_ID, null, -1));
    }

    @Test
    void aTopicNamedLikeAKafkaDirectoryStaysATopic() {
        assertThat(KafkaPaths.parse("/c/brokers/topics/brokers/partitions/0/state"))
                .containsExactly(new KafkaPath("/c", KafkaPath.Kind.PARTITION_STATE, "brokers", 0));
        assertThat(KafkaPaths.parse("/brokers/brokers/ids/1")).containsExactly(new KafkaPath("/brokers", KafkaPath.Kind.BROKER, "1", -1));
    }

    @Test
    void otherPathsAreNotKafkas() {
        assertThat(KafkaPaths.parse("/app/locks/lock-0001")).isEmpty();
        assertThat(KafkaPaths.parse("/brokers/ids/notanumber")).isEmpty();
        assertThat(KafkaPaths.parse("/brokers/topics/t/partitions/0")).isEmpty();
        assertThat(KafkaPaths.mayMatter("/app/locks/lock-0001")).isFalse();
        assertThat(KafkaPaths.mayMatter("/kafka/brokers/ids/1")).isTrue();
        assertThat(KafkaPaths.mayMatter("/kafka/controller")).isTrue();
    }
}
