package dev.meerkat.it.kafka;

import dev.meerkat.it.hardening.Clients;
import dev.meerkat.it.security.Jaas;
import dev.meerkat.it.security.TestCa;
import dev.meerkat.it.security.TlsClients;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.config.ZooCfgParser;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A Kafka 3.9.1 broker on a Meerkat that offers TLS only (secureClientPort, ssl.clientAuth=need, no
 * plain port) and SASL: the broker connects with zookeeper.ssl.* and its JAAS Client section, with
 * zookeeper.set.acl=true. The cluster works (topic, produce, consume); its znodes carry SASL ACLs
 * that a client without the broker's SASL identity can read but not change. Settings as the README's
 * "Securing Meerkat" section gives them.
 */
class KafkaSecureTest {
    @TempDir
    static Path dir;
    static Jaas jaas;
    static Meerkat meerkat;
    static KafkaBroker broker;
    static Path trust;
    static Path outsider;

    @BeforeAll
    static void start() throws Exception {
        TestCa ca = new TestCa("Kafka Test CA");
        Path serverKey = ca.issue("meerkat").pem(dir.resolve("meerkat.pem"));
        Path serverTrust = ca.trustPem(dir.resolve("ca.pem"));
        trust = ca.trustStore(dir.resolve("truststore.p12"), "PKCS12");
        Path brokerKey = ca.issue("kafka-broker").store(dir.resolve("broker.p12"), "PKCS12");
        outsider = ca.issue("someone-else").store(dir.resolve("outsider.p12"), "PKCS12");
        jaas = new Jaas().digestServer("Server", Map.of("kafka", "kafka-secret"));
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), """
                clientPortAddress=127.0.0.1
                secureClientPort=0
                serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
                ssl.keyStore.location=%s
                ssl.trustStore.location=%s
                ssl.clientAuth=need
                authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider
                """.formatted(serverKey, serverTrust));
        ServerConfig c = new ZooCfgParser().parse(cfg).withDataDir(null);
        meerkat = Meerkat.start(c);
        Path clientJaas = Files.writeString(dir.resolve("kafka_jaas.conf"), """
                Client {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="kafka"
                  password="kafka-secret";
                };
                """);
        Properties p = new Properties();
        p.setProperty("zookeeper.ssl.client.enable", "true");
        p.setProperty("zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty");
        p.setProperty("zookeeper.ssl.keystore.location", brokerKey.toString());
        p.setProperty("zookeeper.ssl.keystore.password", TestCa.PASSWORD);
        p.setProperty("zookeeper.ssl.keystore.type", "PKCS12");
        p.setProperty("zookeeper.ssl.truststore.location", trust.toString());
        p.setProperty("zookeeper.ssl.truststore.password", TestCa.PASSWORD);
        p.setProperty("zookeeper.ssl.truststore.type", "PKCS12");
        p.setProperty("zookeeper.set.acl", "true");
        broker = new KafkaBroker(0, meerkat.secureConnectString() + "/kafka", dir, p)
                .jvmArgs("-Djava.security.auth.login.config=" + clientJaas.toAbsolutePath());
        broker.start();
        await("the broker starts over TLS with SASL (" + broker.logFile() + ")").atMost(Duration.ofSeconds(120))
                .until(() -> {
                    if (!broker.isAlive()) throw new AssertionError("the broker exited:\n" + broker.tail(60));
                    return broker.isStarted();
                });
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (broker != null) broker.terminate();
        } finally {
            if (meerkat != null) meerkat.close();
            if (jaas != null) jaas.close();
        }
    }

    @Test
    void theBrokerWorksOverTlsOnlyAndItsZnodesCarrySaslAcls() throws Exception {
        assertThat(meerkat.port()).as("no plain port").isEqualTo(-1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("secure-orders", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(), "acks", "all",
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()))) {
            for (int i = 0; i < 5; i++) producer.send(new ProducerRecord<>("secure-orders", "order-" + i)).get();
        }
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrap(),
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName()))) {
            TopicPartition tp = new TopicPartition("secure-orders", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) received.add(r.value());
                return received.size() >= 5;
            });
        }
        assertThat(received).containsExactly("order-0", "order-1", "order-2", "order-3", "order-4");

        // A client with a trusted certificate but not the broker's SASL identity.
        try (ZooKeeper other = Clients.connect(meerkat.secureConnectString(), TlsClients.config(outsider, "PKCS12", trust, "PKCS12"))) {
            String topic = "/kafka/config/topics/secure-orders";
            List<ACL> acl = other.getACL(topic, null);
            assertThat(acl).extracting(a -> a.getId().getScheme() + ":" + a.getId().getId() + ":" + a.getPerms())
                    .contains("sasl:kafka:31", "world:anyone:1");
            assertThat(other.getData(topic, false, null)).isNotEmpty();
            assertThatThrownBy(() -> other.setData(topic, "{}".getBytes(), -1)).isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> other.delete("/kafka/brokers/ids/0", -1)).isInstanceOf(KeeperException.NoAuthException.class);
            assertThat(other.getACL("/kafka/brokers/ids/0", null)).extracting(a -> a.getId().getScheme()).contains("sasl");
        }
    }
}
