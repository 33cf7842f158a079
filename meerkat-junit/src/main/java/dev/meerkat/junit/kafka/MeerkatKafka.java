package dev.meerkat.junit.kafka;

import dev.meerkat.junit.Lifecycle;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A whole Kafka cluster on an embedded Meerkat for this test class: Meerkat plus {@link #brokers()}
 * in-process Kafka 3.x brokers (ZooKeeper mode) on free loopback ports, the {@link #topics()}
 * created, everything torn down after the class (or after each test, with {@link Lifecycle#PER_METHOD}).
 * Kafka itself is the test's dependency: {@code org.apache.kafka:kafka_2.13} (any 3.x).
 *
 * <pre>{@code
 * @MeerkatKafka(brokers = 3, topics = "orders:6:3", brokerProperties = "auto.create.topics.enable=false")
 * class OrderFlowTest {
 *     @InjectKafka static String bootstrapServers;
 *
 *     @Test
 *     void survivesALostBroker(KafkaCluster kafka) {
 *         kafka.killBroker(1);
 *         ...
 *         kafka.restartBroker(1);
 *     }
 * }
 * }</pre>
 *
 * Fields annotated {@link InjectKafka} get the {@link KafkaCluster} or, if they are Strings, its
 * bootstrap servers; {@code KafkaCluster} parameters of test and lifecycle methods are resolved.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MeerkatKafkaExtension.class)
public @interface MeerkatKafka {
    /** How many brokers (ids 0 to N-1). */
    int brokers() default 1;

    /** Topics to create: {@code name}, {@code name:partitions} or {@code name:partitions:replicas}. */
    String[] topics() default {};

    /** Partitions of a topic that does not say. */
    int partitions() default 1;

    /** Replicas of a topic that does not say; -1: the smaller of 3 and {@link #brokers()}. */
    int replicationFactor() default -1;

    /** {@code key=value} settings for every broker, over the cluster's test defaults. */
    String[] brokerProperties() default {};

    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /**
     * A system property to set to the bootstrap servers while the cluster runs (say
     * {@code spring.kafka.bootstrap-servers} for a Spring Boot test); empty: none.
     */
    String bootstrapServersProperty() default "";

    /** Seconds that starting the cluster, restarting a broker or creating topics may take. */
    int timeoutSeconds() default 60;
}
