package dev.meerkat.wire.jute;

/** Reads one element of a vector; a method reference such as {@code ACL::read} fits. */
@FunctionalInterface
public interface JuteReader<T> {
    T read(JuteInput in) throws JuteException;
}
