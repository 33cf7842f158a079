package dev.meerkat.registry;

import dev.meerkat.registry.kafka.BrokerRegistration;
import dev.meerkat.registry.kafka.ClusterIdZnode;
import dev.meerkat.registry.kafka.ControllerRegistration;
import dev.meerkat.registry.kafka.Decoded;
import dev.meerkat.registry.kafka.EntityConfig;
import dev.meerkat.registry.kafka.FeatureZnode;
import dev.meerkat.registry.kafka.KafkaZnodeDecoder;
import dev.meerkat.registry.kafka.PartitionState;
import dev.meerkat.registry.kafka.Reassignment;
import dev.meerkat.registry.kafka.TopicAssignment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding what Kafka 3.9.1 brokers really wrote (captured samples), and what no Kafka writes. */
class KafkaZnodeDecoderTest {
    private final KafkaZnodeDecoder decoder = new KafkaZnodeDecoder();

    private static <T> T ok(Decoded<T> d) {
        assertThat(d).isInstanceOf(Decoded.Ok.class);
        return d.valueOrNull();
    }

    @Test
    void brokerRegistrationVersion5() {
        BrokerRegistration b = ok(decoder.broker(Samples.bytes("main/brokers/ids/1")));
        assertThat(b.version()).isEqualTo(5);
        assertThat(b.endpoints()).singleElement().asString().startsWith("PLAINTEXT://127.0.0.1:");
        assertThat(b.securityProtocols()).isEqualTo(Map.of("PLAINTEXT", "PLAINTEXT"));
        assertThat(b.host()).isEqualTo("127.0.0.1");
        assertThat(b.endpoints().get(0)).endsWith(":" + b.port());
        assertThat(b.jmxPort()).isEqualTo(-1);
        assertThat(b.rack()).isNull();
        assertThat(b.timestampMs()).isPositive();
        assertThat(b.features()).isEmpty();
    }

    @Test
    void controllerAndEpoch() {
        ControllerRegistration c = ok(decoder.controller(Samples.bytes("main/controller")));
        assertThat(c.version()).isEqualTo(2);
        assertThat(c.brokerId()).isBetween(1, 3);
        assertThat(c.timestampMs()).isPositive();
        assertThat(c.kraftControllerEpoch()).isEqualTo(-1);
        assertThat(ok(decoder.controllerEpoch(Samples.bytes("main/controller_epoch")))).isEqualTo(1);
        assertThat(ok(decoder.controller(Samples.bytes("root/controller"))).brokerId()).isEqualTo(10);
    }

    @Test
    void clusterIdFeatureAndConfig() {
        ClusterIdZnode id = ok(decoder.clusterId(Samples.bytes("main/cluster/id")));
        assertThat(id.version()).isEqualTo("1");
        assertThat(id.id()).hasSize(22);
        FeatureZnode f = ok(decoder.feature(Samples.bytes("main/feature")));
        assertThat(f.status()).isEqualTo(1);
        assertThat(f.version()).isEqualTo(2);
        EntityConfig cfg = ok(decoder.config(Samples.bytes("main/config/topics/" + Samples.TOPIC)));
        assertThat(cfg.config()).containsEntry("min.insync.replicas", "2");
    }

    @Test
    void topicAssignmentAndPartitionStates() {
        TopicAssignment a = ok(decoder.topic(Samples.bytes("main/brokers/topics/" + Samples.TOPIC)));
        assertThat(a.version()).isEqualTo(3);
        assertThat(a.topicId()).hasSize(22);
        assertThat(a.partitions()).containsOnlyKeys(0, 1, 2);
        assertThat(a.partitions().values()).allSatisfy(r -> assertThat(r).hasSize(3).containsExactlyInAnyOrder(1, 2, 3));
        assertThat(a.reassigning()).isFalse();
        for (int p = 0; p < 3; p++) {
            PartitionState s = ok(decoder.partitionState(Samples.bytes("main/brokers/topics/" + Samples.TOPIC + "/partitions/" + p + "/state")));
            assertThat(s.version()).isEqualTo(1);
            assertThat(s.isr()).containsExactlyElementsOf(a.partitions().get(p));
            assertThat(s.leader()).isEqualTo(a.partitions().get(p).get(0));
            assertThat(s.leaderEpoch()).isZero();
            assertThat(s.controllerEpoch()).isEqualTo(1);
        }
    }

    /** Formats of znodes the captured run did not produce, in Kafka's ZkData shapes. */
    @Test
    void reassignmentIsrNotificationRackAndReplicasInMotion() {
        Reassignment r = ok(decoder.reassignment(utf8("{\"version\":1,\"partitions\":[{\"topic\":\"orders\",\"partition\":0,\"replicas\":[1,2],\"log_dirs\":[\"any\",\"any\"]}]}")));
        assertThat(r.partitions()).containsExactly(new Reassignment.Target("orders", 0, List.of(1, 2)));
        assertThat(ok(decoder.isrChange(utf8("{\"version\":1,\"partitions\":[{\"topic\":\"orders\",\"partition\":2}]}"))).partitions())
                .containsExactly(new Reassignment.Target("orders", 2, List.of()));
        String withRack = new String(Samples.bytes("main/brokers/ids/1"), StandardCharsets.UTF_8).replace("\"version\":5", "\"rack\":\"eu-1a\",\"version\":5");
        assertThat(ok(decoder.broker(utf8(withRack))).rack()).isEqualTo("eu-1a");
        TopicAssignment moving = ok(decoder.topic(utf8("{\"partitions\":{\"0\":[1,2,3]},\"topic_id\":\"x\",\"adding_replicas\":{\"0\":[3]},\"removing_replicas\":{\"0\":[1]},\"version\":3}")));
        assertThat(moving.reassigning()).isTrue();
        assertThat(moving.addingReplicas()).containsEntry(0, List.of(3));
        PartitionState v2 = ok(decoder.partitionState(utf8("{\"controller_epoch\":3,\"leader\":-1,\"version\":2,\"leader_recovery_state\":1,\"leader_epoch\":7,\"isr\":[2]}")));
        assertThat(v2.leader()).isEqualTo(-1);
        assertThat(v2.leaderRecoveryState()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "{\"version\":5}", "{\"version\":5,\"endpoints\":\"PLAINTEXT://h:1\"}",
            "{\"version\":\"five\",\"endpoints\":[\"PLAINTEXT://h:1\"]}", "{\"version\":5,\"endpoints\":[\"PLAINTEXT://h:1\"],\"timestamp\":\"yesterday\"}"})
    void malformedBrokerRegistrationsSayWhy(String data) {
        Decoded<BrokerRegistration> d = decoder.broker(utf8(data));
        assertThat(d).isInstanceOf(Decoded.Malformed.class);
        assertThat(d.problem()).isNotBlank();
        assertThat(((Decoded.Malformed<BrokerRegistration>) d).preview()).isEqualTo(data);
    }

    @Test
    void missingAndMistypedFieldsAreNamed() {
        assertThat(decoder.broker(null).problem()).isEqualTo("no data");
        assertThat(decoder.partitionState(utf8("{\"version\":1,\"leader\":1,\"leader_epoch\":0,\"controller_epoch\":1}")).problem()).isEqualTo("isr is missing");
        assertThat(decoder.partitionState(utf8("{\"version\":1,\"leader\":1,\"leader_epoch\":0,\"controller_epoch\":1,\"isr\":[\"a\"]}")).problem())
                .isEqualTo("isr holds a non-integer");
        assertThat(decoder.topic(utf8("{\"version\":3}")).problem()).isEqualTo("partitions is missing");
        assertThat(decoder.controllerEpoch(utf8("x")).problem()).isEqualTo("not a number");
        assertThat(decoder.controller(utf8("{\"version\":2}")).problem()).isEqualTo("brokerid is missing");
        assertThat(decoder.config(utf8("{\"version\":1,\"config\":[]}")).problem()).isEqualTo("config is missing or not an object");
        byte[] binary = {0, 1, 2, (byte) 0xff, '{'};
        assertThat(((Decoded.Malformed<?>) decoder.clusterId(binary)).preview()).doesNotContain("\u0000");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
