package dev.meerkat.wire.server;

import dev.meerkat.core.node.Node;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client port: ZooKeeper clients connect here. One listener per event loop shares the port,
 * so connections spread across cores; each connection then stays on its event loop.
 */
public final class ZkServer {
    private static final Logger LOG = LoggerFactory.getLogger(ZkServer.class);

    private final Vertx vertx;
    private final Node node;
    private final WireConfig config;
    private final ServerMetrics metrics = new ServerMetrics();
    private final FourLetterWords fourLetterWords = new FourLetterWords(this);
    private final Map<ClientConnection, Boolean> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private volatile int port;
    private final java.util.List<String> deployments = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ZkServer(Vertx vertx, Node node, WireConfig config) {
        this.vertx = vertx;
        this.node = node;
        this.config = config;
    }

    /** Starts listening; the future gives the server once the port is bound (read the port back from it). */
    public static Future<ZkServer> start(Vertx vertx, Node node, WireConfig config, int listeners) {
        ZkServer server = new ZkServer(vertx, node, config);
        node.addListener(new dev.meerkat.core.node.NodeListener() {
            @Override
            public void servingChanged(boolean serving) {
                if (!serving) server.closeAll("this server lost the quorum");
            }

            @Override
            public void stateReplaced() {
                server.closeAll("this server's state was replaced by a snapshot from the leader");
            }
        });
        // All listeners deploy together on the configured port: Vert.x shares one bound socket
        // between them (port 0 included), spreading accepted connections over the event loops.
        return vertx.deployVerticle(() -> server.new Listener(config.port()), new DeploymentOptions().setInstances(Math.max(1, listeners)))
                .map(id -> {
                    server.deployments.add(id);
                    return server;
                })
                .onSuccess(s -> LOG.info("serving ZooKeeper clients on {}:{}", config.host(), s.port));
    }

    public int port() {
        return port;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    Node node() {
        return node;
    }

    WireConfig config() {
        return config;
    }

    FourLetterWords fourLetterWords() {
        return fourLetterWords;
    }

    Collection<ClientConnection> connections() {
        return Collections.unmodifiableSet(connections.keySet());
    }

    void unregister(ClientConnection c) {
        if (connections.remove(c) != null) {
            metrics.connections.decrementAndGet();
            AtomicInteger n = perAddress.get(c.remoteAddress());
            if (n != null) n.decrementAndGet();
        }
    }

    /**
     * Drops every client connection (their clients reconnect, to another server if this one cannot
     * serve them); sessions stay until they expire.
     */
    public void closeAll(String reason) {
        for (ClientConnection c : connections.keySet()) c.runOnContext(() -> c.close(reason));
    }

    /** Stops accepting and drops every connection; sessions stay until they expire or the node stops. */
    public Future<Void> close() {
        Future<Void> all = Future.succeededFuture();
        for (String id : deployments) all = all.compose(v -> vertx.undeploy(id));
        return all;
    }

    private final class Listener extends VerticleBase {
        private final int listenPort;
        private NetServer netServer;

        Listener(int listenPort) {
            this.listenPort = listenPort;
        }

        @Override
        public Future<?> start() {
            NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true);
            netServer = vertx.createNetServer(options);
            netServer.connectHandler(socket -> {
                String address = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
                AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
                if (config.maxClientCnxns() > 0 && count.incrementAndGet() > config.maxClientCnxns()) {
                    count.decrementAndGet();
                    LOG.warn("too many connections from {} - max is {}", address, config.maxClientCnxns());
                    socket.close();
                    return;
                }
                if (config.maxClientCnxns() <= 0) count.incrementAndGet();
                ClientConnection c = new ClientConnection(ZkServer.this, socket, context);
                connections.put(c, Boolean.TRUE);
                metrics.connections.incrementAndGet();
            });
            String host = config.host() == null ? "0.0.0.0" : config.host();
            return netServer.listen(listenPort, host).map(s -> {
                if (port == 0) port = s.actualPort();
                return s;
            });
        }

        @Override
        public Future<?> stop() {
            for (ClientConnection c : connections.keySet()) c.runOnContext(() -> c.close("server stopping"));
            return netServer == null ? Future.succeededFuture() : netServer.close();
        }
    }
}
