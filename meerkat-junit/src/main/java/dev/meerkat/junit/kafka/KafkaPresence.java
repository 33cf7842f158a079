package dev.meerkat.junit.kafka;

/**
 * Kafka is the test's own dependency (any 3.x, the last line with ZooKeeper mode), not Meerkat's:
 * this says in one sentence what is missing before any Kafka class is touched.
 */
final class KafkaPresence {
    private KafkaPresence() {
    }

    static void require() {
        ClassLoader loader = KafkaPresence.class.getClassLoader();
        if (!present("kafka.server.KafkaServer", loader)) {
            if (present("kafka.server.KafkaRaftServer", loader)) {
                throw new IllegalStateException("An embedded Kafka cluster on Meerkat needs Kafka 3.x brokers (ZooKeeper mode), "
                        + "but the test classpath has Kafka 4.x, which has no ZooKeeper mode: use org.apache.kafka:kafka_2.13:3.9.1 (test scope)");
            }
            throw new IllegalStateException("An embedded Kafka cluster on Meerkat needs Kafka's broker on the test classpath: "
                    + "add org.apache.kafka:kafka_2.13:3.9.1 (test scope; any Kafka 3.x works)");
        }
        if (!present("org.apache.kafka.clients.admin.Admin", loader)) {
            throw new IllegalStateException("An embedded Kafka cluster on Meerkat needs Kafka's clients on the test classpath: "
                    + "add org.apache.kafka:kafka-clients (test scope, the broker's version)");
        }
    }

    private static boolean present(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
