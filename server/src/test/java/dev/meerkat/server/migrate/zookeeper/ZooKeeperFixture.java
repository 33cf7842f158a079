package dev.meerkat.server.migrate.zookeeper;

import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.SyncRequestProcessor;
import org.apache.zookeeper.server.ZooKeeperServer;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A real Apache ZooKeeper 3.9.5 server in this JVM, on its own data and log directories. */
final class ZooKeeperFixture implements AutoCloseable {
    static {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
    }

    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    /** {@code snapCount}: transactions between snapshots (ZooKeeper randomises each roll within half of it). */
    ZooKeeperFixture(Path dataDir, Path logDir, int snapCount) throws Exception {
        SyncRequestProcessor.setSnapCount(snapCount);
        // The constructor's first directory becomes FileTxnSnapLog's "dataDir", which holds the logs.
        server = new ZooKeeperServer(logDir.toFile(), dataDir.toFile(), 2000);
        factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
        factory.startup(server);
    }

    String connectString() {
        return "127.0.0.1:" + factory.getLocalPort();
    }

    ZooKeeper client() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString(), 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        if (!connected.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to ZooKeeper");
        return zk;
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
    }

    static File version2(Path dir) {
        return dir.resolve("version-2").toFile();
    }
}
