package dev.meerkat.it.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

/** What a reconfiguration test needs of an ensemble, Meerkat's or ZooKeeper's. */
public interface DynamicEnsemble extends AutoCloseable {
    /** The server line reconfig and zoo.cfg take for server {@code id}. */
    String serverLine(int id, boolean observer) throws IOException;

    /** Starts server {@code id} with these server lines in its zoo.cfg (the ensemble and itself). */
    void join(int id, Collection<String> serverLines) throws IOException;

    int stop(int id) throws InterruptedException;

    void kill(int id);

    String connectString(int... ids);

    String fourLetterWord(int id, String word);

    String mode(int id);

    int leader();

    void awaitServing(Duration atMost, int... ids);

    Path configFile(int id);

    @Override
    void close();
}
