package dev.meerkat.core.raft;

/**
 * The answer to {@code readIndex(requestId)}: a read that starts after this node has applied
 * {@code index} is linearizable (it sees every write committed before the request was made).
 */
public record ReadState(long requestId, long index) {
}
