package dev.meerkat.it.protocol;

import org.apache.curator.test.TestingServer;

import java.nio.file.Files;

/** Apache ZooKeeper 3.9.5 from the test classpath, in-process, as the reference for differential tests. */
final class ReferenceZooKeeper implements AutoCloseable {
    private final TestingServer server;

    ReferenceZooKeeper() throws Exception {
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("znode.container.checkIntervalMs", "100");
        System.setProperty("zookeeper.admin.enableServer", "false");
        server = new TestingServer(-1, Files.createTempDirectory("zk-ref").toFile(), true);
    }

    String connectString() {
        return server.getConnectString();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
