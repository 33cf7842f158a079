package dev.meerkat.junit.kafka;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field or parameter that {@link MeerkatKafka} fills: type {@link KafkaCluster} for the
 * cluster, {@code String} for its bootstrap servers. Static fields are set before
 * {@code @BeforeAll} methods (per-method clusters: before each test), instance fields before each test.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface InjectKafka {
}
