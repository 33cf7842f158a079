package dev.meerkat.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Znode contents captured from real Kafka 3.9.1 brokers running on Meerkat (KafkaDashboardTest in
 * integration-tests writes every Kafka znode of its clusters to target/dashboard/znode-samples; the
 * files under src/test/resources/kafka-3.9.1 are copies of one such run).
 */
final class Samples {
    /** The RF 3 topic of the captured cluster (3 partitions, min.insync.replicas=2). */
    static final String TOPIC = "orders";

    private Samples() {
    }

    static byte[] bytes(String relative) {
        String path = "kafka-3.9.1/" + relative + ".json";
        try (InputStream in = Samples.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing sample " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String relative) {
        return new String(bytes(relative), StandardCharsets.UTF_8);
    }
}
