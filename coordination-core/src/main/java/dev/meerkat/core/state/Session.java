package dev.meerkat.core.state;

/** A session as every replica knows it. Liveness (when it was last heard from) is the leader's business, not state. */
public record Session(long id, int timeoutMs, byte[] password) {
}
