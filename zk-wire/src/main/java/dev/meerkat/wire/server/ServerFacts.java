package dev.meerkat.wire.server;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * What the four-letter words report that the client port does not know itself: the server's
 * configuration, its directories and its full metric set. The server supplies it; every method
 * answers from published values at once (an event loop calls it).
 */
public interface ServerFacts {

    /** conf: ZooKeeper's dumpConf lines ({@code key=value}), in its order. */
    List<String> conf();

    /** dirs: bytes in the snapshot directory and in the log directory. */
    long dataDirSize();

    long logDirSize();

    /**
     * mntr: every key after {@code zk_version} and {@code zk_server_state}, without the {@code zk_}
     * prefix, in order; values are Long/Integer (printed as integers), other Numbers (as doubles) or
     * Strings.
     */
    void monitor(BiConsumer<String, Object> out);
}
