package dev.meerkat.it.ops;

import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.command.FourLetterCommands;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.awaitility.Awaitility.await;

/**
 * Apache ZooKeeper 3.9.5 standalone, started in this JVM from a zoo.cfg as {@code zkServer.sh}
 * would (ZooKeeperServerMain), so that its AdminServer and metrics provider run too: the reference
 * for the operations differential tests.
 */
final class ReferenceZooKeeperServer implements AutoCloseable {
    private final ZooKeeperServerMain main = new ZooKeeperServerMain();
    private final Thread thread;
    private final int clientPort;
    private final Properties savedProperties = (Properties) System.getProperties().clone();

    /** Starts with {@code settings} added to a minimal zoo.cfg (clientPort and dataDir are chosen here). */
    ReferenceZooKeeperServer(Map<String, String> settings) throws Exception {
        clientPort = freePort();
        Path dir = Files.createTempDirectory("zk-ops-ref");
        StringBuilder cfg = new StringBuilder("tickTime=2000\ndataDir=" + dir + "\nclientPort=" + clientPort + "\n");
        settings.forEach((k, v) -> cfg.append(k).append('=').append(v).append('\n'));
        // ZooKeeper turns unknown keys into system properties, and several of its settings live in statics:
        // start from a clean slate so that this server reads only this file.
        System.clearProperty("zookeeper.4lw.commands.whitelist");
        System.clearProperty("zookeeper.admin.enableServer");
        System.clearProperty("zookeeper.admin.serverPort");
        FourLetterCommands.resetWhiteList();
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, cfg);
        ServerConfig config = new ServerConfig();
        config.parse(file.toString());
        thread = new Thread(() -> {
            try {
                main.runFromConfig(config);
            } catch (Exception e) {
                throw new IllegalStateException("reference ZooKeeper failed", e);
            }
        }, "reference-zookeeper");
        thread.setDaemon(true);
        thread.start();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> FourLetterClient.ask(clientPort, "srvr", true).startsWith("Zookeeper version"));
    }

    int clientPort() {
        return clientPort;
    }

    String connectString() {
        return "127.0.0.1:" + clientPort;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        main.close();
        thread.join(30_000);
        System.setProperties(savedProperties);
        FourLetterCommands.resetWhiteList();
    }
}
