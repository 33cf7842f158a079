/** JUnit 5 support: an embedded Meerkat server per test class or method; {@code kafka}: a whole embedded Kafka cluster on it. */
package dev.meerkat.junit;
