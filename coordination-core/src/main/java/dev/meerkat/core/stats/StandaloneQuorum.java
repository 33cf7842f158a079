package dev.meerkat.core.stats;

import java.util.function.LongSupplier;

/**
 * The quorum view of a single node: a cluster of one voter that is always its own leader. Term and
 * commit index come from its log (a lone voter commits what it has made durable).
 */
public final class StandaloneQuorum implements QuorumView {
    private final LongSupplier term;
    private final LongSupplier commitIndex;

    public StandaloneQuorum(LongSupplier term, LongSupplier commitIndex) {
        this.term = term;
        this.commitIndex = commitIndex;
    }

    @Override
    public ServerMode mode() {
        return ServerMode.STANDALONE;
    }

    @Override
    public long serverId() {
        return 0;
    }

    @Override
    public long term() {
        return term.getAsLong();
    }

    @Override
    public long commitIndex() {
        return commitIndex.getAsLong();
    }

    @Override
    public long leaderId() {
        return -1;
    }
}
