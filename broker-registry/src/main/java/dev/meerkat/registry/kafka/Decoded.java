package dev.meerkat.registry.kafka;

/**
 * A znode's content read as what Kafka writes there: the value, or why it could not be read. A
 * malformed znode is shown as such; it never breaks the rest of the view.
 */
public sealed interface Decoded<T> {
    record Ok<T>(T value) implements Decoded<T> {
    }

    /** @param preview the start of the raw bytes as text, so an operator can see what is there */
    record Malformed<T>(String reason, String preview) implements Decoded<T> {
    }

    default T valueOrNull() {
        return this instanceof Ok<T> ok ? ok.value() : null;
    }

    default String problem() {
        return this instanceof Malformed<T> m ? m.reason() : null;
    }
}
