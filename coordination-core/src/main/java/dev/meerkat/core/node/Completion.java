package dev.meerkat.core.node;

/**
 * A waiting client request's continuation. Called on the node's tree thread with the result and the
 * zxid to put in the reply header; implementations hop to their own thread and return at once.
 */
@FunctionalInterface
public interface Completion<T> {
    void complete(T result, long zxid);
}
