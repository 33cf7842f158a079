package dev.meerkat.wire.server;

import dev.meerkat.core.node.Node;
import dev.meerkat.core.stats.QuorumView;
import io.netty.channel.ChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
    private final QuorumView quorum;
    private final ServerFacts facts;
    private final FourLetterWords fourLetterWords = new FourLetterWords(this);
    private final Map<ClientConnection, Boolean> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private volatile int port;
    private final java.util.List<String> deployments = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ZkServer(Vertx vertx, Node node, WireConfig config, QuorumView quorum, ServerFacts facts) {
        this.vertx = vertx;
        this.node = node;
        this.config = config;
        this.quorum = quorum;
        this.facts = facts == null ? new BasicFacts(this) : facts;
    }

    /** Starts listening; the future gives the server once the port is bound (read the port back from it). */
    public static Future<ZkServer> start(Vertx vertx, Node node, WireConfig config, int listeners) {
        return start(vertx, node, config, listeners, new dev.meerkat.core.node.NodeQuorumView(node), null);
    }

    /**
     * Starts listening, reporting the server's role from {@code quorum} and its configuration,
     * directories and metrics from {@code facts} (null: only what the client port knows).
     */
    public static Future<ZkServer> start(Vertx vertx, Node node, WireConfig config, int listeners, QuorumView quorum, ServerFacts facts) {
        ZkServer server = new ZkServer(vertx, node, config, quorum, facts);
        node.addListener(new dev.meerkat.core.node.ServingListener() {
            @Override
            public void servingChanged(boolean serving) {
                if (!serving) {
                    server.closeAll("this server lost the quorum");
                } else {
                    // Read-only sessions end when the quorum is back: their clients reconnect read-write.
                    for (ClientConnection c : server.connections.keySet()) {
                        if (c.isReadOnly()) c.runOnContext(() -> c.close("this server rejoined its quorum; read-only mode ends"));
                    }
                }
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

    public QuorumView quorum() {
        return quorum;
    }

    ServerFacts facts() {
        return facts;
    }

    /** The server's environment as envi prints it. */
    public List<java.util.Map.Entry<String, String>> environment() {
        return fourLetterWords.environment().list();
    }

    /** gtmk: the trace mask (kept and reported; Meerkat's tracing is its log levels). */
    public long traceMask() {
        return fourLetterWords.traceMask();
    }

    /** stmk / set_trace_mask. */
    public void traceMask(long mask) {
        fourLetterWords.setTraceMask(mask);
    }

    int tickMs() {
        // The negotiated minimum is 2 ticks unless minSessionTimeout says otherwise; ZooKeeper's buckets are one tick.
        return Math.max(1, config.minSessionTimeoutMs() / 2);
    }

    /** Every client connection as cons describes it; any thread. */
    public List<ConnectionInfo> connectionInfos() {
        List<ConnectionInfo> out = new ArrayList<>(connections.size());
        for (ClientConnection c : connections.keySet()) out.add(c.info());
        return out;
    }

    /** crst: every connection's statistics start over (each on its own event loop). */
    public void resetConnectionStats() {
        for (ClientConnection c : connections.keySet()) c.runOnContext(c::resetStats);
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
                // nc -q1, nc -N and ZooKeeper's FourLetterWordMain shut their sending side right after a
                // four-letter word. Netty would close the whole socket on that end of input; with half
                // closure the answer still goes out, and ClientConnection closes other connections itself.
                if (socket instanceof NetSocketInternal internal) {
                    internal.channelHandlerContext().channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                }
                String address = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
                AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
                if (config.maxClientCnxns() > 0 && count.incrementAndGet() > config.maxClientCnxns()) {
                    count.decrementAndGet();
                    LOG.warn("too many connections from {} - max is {}", address, config.maxClientCnxns());
                    metrics.connectionRejected();
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
