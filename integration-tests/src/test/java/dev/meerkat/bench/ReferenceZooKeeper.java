package dev.meerkat.bench;

import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Apache ZooKeeper 3.9.5, standalone, in this JVM: the reference every Meerkat number is divided by.
 * Its defaults are kept, fsync of the transaction log before acknowledging ({@code forceSync=yes})
 * included, because that is what a ZooKeeper user runs and what makes the comparison fair against a
 * Meerkat that syncs its Chronicle log before answering.
 */
final class ReferenceZooKeeper implements AutoCloseable {
    private final Main main = new Main();
    private final Thread thread;
    private final int port;
    private volatile Throwable failure;

    private static final class Main extends ZooKeeperServerMain {
        void stop() {
            shutdown();
        }
    }

    private ReferenceZooKeeper(Path dataDir, int port, Properties extra) throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        this.port = port;
        Properties p = new Properties();
        p.setProperty("dataDir", dataDir.toString());
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("tickTime", "2000");
        p.setProperty("maxClientCnxns", "0");
        p.putAll(extra);
        QuorumPeerConfig qpc = new QuorumPeerConfig();
        qpc.parseProperties(p);
        ServerConfig config = new ServerConfig();
        config.readFrom(qpc);
        thread = new Thread(() -> {
            try {
                main.runFromConfig(config);
            } catch (Throwable t) {
                failure = t;
            }
        }, "reference-zookeeper");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts ZooKeeper on a free loopback port; returns once it accepts connections. */
    static ReferenceZooKeeper start(Path dataDir, Properties extra) throws Exception {
        ReferenceZooKeeper zk = new ReferenceZooKeeper(dataDir, dev.meerkat.bench.load.ServerProcess.freePort(), extra);
        zk.awaitListening(TimeUnit.SECONDS.toMillis(120));
        return zk;
    }

    static ReferenceZooKeeper start(Path dataDir) throws Exception {
        return start(dataDir, new Properties());
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    private void awaitListening(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (failure != null) throw new IllegalStateException("ZooKeeper failed to start", failure);
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("ZooKeeper did not listen within " + timeoutMs + " ms");
    }

    @Override
    public void close() throws InterruptedException {
        main.stop();
        thread.join(30_000);
    }
}
