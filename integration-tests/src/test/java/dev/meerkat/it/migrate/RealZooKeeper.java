package dev.meerkat.it.migrate;

import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Apache ZooKeeper 3.9.5 standalone in this JVM, started from a zoo.cfg as a user starts it
 * ({@code ZooKeeperServerMain}), on a data directory that outlives it: what the migration reads
 * from and writes for. Serving means its database is loaded ({@code srvr} answers with a zxid).
 */
public final class RealZooKeeper implements AutoCloseable {
    private static final Pattern ZXID = Pattern.compile("Zxid: 0x([0-9a-f]+)");

    static {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        // srvr asked before the database is loaded makes 3.9.5 log a NullPointerException while it
        // closes the socket; readiness polling asks exactly then.
        if (org.slf4j.LoggerFactory.getLogger("org.apache.zookeeper.server.ServerCnxn") instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.OFF);
        }
    }

    private final Main main = new Main();
    private final Thread thread;
    private final int port;
    private volatile Throwable failure;

    private static final class Main extends ZooKeeperServerMain {
        void stop() {
            shutdown();
        }
    }

    /** Starts on {@code dataDir} (and {@code dataLogDir} when not null); returns once it serves. */
    public RealZooKeeper(Path dataDir, Path dataLogDir, int snapCount) throws Exception {
        // A static of ZooKeeper's, read at every log roll: set for this server, put back in close().
        org.apache.zookeeper.server.SyncRequestProcessor.setSnapCount(snapCount);
        port = freePort();
        Properties p = new Properties();
        p.setProperty("dataDir", dataDir.toString());
        if (dataLogDir != null) p.setProperty("dataLogDir", dataLogDir.toString());
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("tickTime", "2000");
        p.setProperty("maxClientCnxns", "0");
        p.setProperty("autopurge.snapRetainCount", "3");
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
        }, "zookeeper-" + port);
        thread.setDaemon(true);
        thread.start();
        await("ZooKeeper on " + dataDir + " serving").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (failure != null) throw new IllegalStateException("ZooKeeper failed to start", failure);
                    return zxid() >= 0;
                });
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** The last zxid ZooKeeper has applied (from {@code srvr}), or -1 while it is not serving. */
    public long zxid() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            Matcher m = ZXID.matcher(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            return m.find() ? Long.parseLong(m.group(1), 16) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    public ZooKeeper client(int sessionTimeoutMs) throws Exception {
        return connect(connectString(), sessionTimeoutMs);
    }

    public static ZooKeeper connect(String connectString, int sessionTimeoutMs) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, sessionTimeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        if (!connected.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no session with " + connectString);
        return zk;
    }

    @Override
    public void close() throws InterruptedException {
        main.stop();
        thread.join(30_000);
        org.apache.zookeeper.server.SyncRequestProcessor.setSnapCount(100_000);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
