package dev.meerkat.junit;

/** How long an embedded server (or Kafka cluster) lives in a test class. */
public enum Lifecycle {
    /** One for the whole test class: started before its {@code @BeforeAll} methods, closed after the class. */
    PER_CLASS,
    /** A fresh one for every test method: started before its {@code @BeforeEach} methods, closed after it. */
    PER_METHOD
}
