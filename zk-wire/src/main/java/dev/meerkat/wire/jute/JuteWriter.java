package dev.meerkat.wire.jute;

/** Writes one element of a vector; a lambda such as {@code (out, acl) -> acl.write(out)} fits. */
@FunctionalInterface
public interface JuteWriter<T> {
    void write(JuteOutput out, T value);
}
