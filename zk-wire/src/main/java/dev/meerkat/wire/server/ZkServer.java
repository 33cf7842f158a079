package dev.meerkat.wire.server;

import dev.meerkat.core.node.Node;
import dev.meerkat.core.tls.CertificateNames;
import dev.meerkat.core.tls.TlsSettings;
import dev.meerkat.core.tls.VertxTls;
import dev.meerkat.core.util.OwnThread;
import dev.meerkat.wire.security.WireSecurity;
import dev.meerkat.core.stats.QuorumView;
import dev.meerkat.wire.transport.ClientSocket;
import dev.meerkat.wire.transport.NioClientPort;
import dev.meerkat.wire.transport.VertxClientSocket;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client ports: ZooKeeper clients connect here, in plain TCP on clientPort and with TLS on
 * secureClientPort (either or both). The plain port runs on the JDK's NIO ({@link NioClientPort}:
 * a few loops of our own, nothing more to load, which is most of a fast first start); the TLS port
 * on Vert.x and Netty, whose TLS engine it uses, one listener per event loop. Either way
 * connections spread across cores and each then stays on its loop.
 */
public final class ZkServer {
    private static final Logger LOG = LoggerFactory.getLogger(ZkServer.class);
    private static final RateLimitedLog REFUSAL_LOG = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    private final Vertx vertx;
    private final Node node;
    private final WireConfig config;
    private final ServerMetrics metrics = new ServerMetrics();
    private final QuorumView quorum;
    private final ServerFacts facts;
    private final FourLetterWords fourLetterWords = new FourLetterWords(this);
    private final GlobalThrottle throttle;
    private final Map<ClientConnection, Boolean> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private volatile int port = -1;
    private volatile int securePort = -1;
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private volatile NioClientPort plainPort;
    private final List<NetServer> secureServers = new CopyOnWriteArrayList<>();
    private volatile ServerSSLOptions sslOptions;
    private volatile String tlsFilesVersion;
    private long reloadTimer = -1;

    private ZkServer(Vertx vertx, Node node, WireConfig config, QuorumView quorum, ServerFacts facts) {
        this.vertx = vertx;
        this.node = node;
        this.config = config;
        this.throttle = new GlobalThrottle(config.limits().globalOutstandingLimit(), metrics);
        this.quorum = quorum;
        this.facts = facts == null ? new BasicFacts(this) : facts;
    }

    /**
     * Starts listening; the future gives the server once the ports are bound (read them back from
     * it). {@code vertx} serves the TLS port, and may be null when there is none.
     */
    public static CompletableFuture<ZkServer> start(Vertx vertx, Node node, WireConfig config, int listeners) {
        return start(vertx, node, config, listeners, new dev.meerkat.core.node.NodeQuorumView(node), null);
    }

    /**
     * Starts listening, reporting the server's role from {@code quorum} and its configuration,
     * directories and metrics from {@code facts} (null: only what the client port knows).
     */
    public static CompletableFuture<ZkServer> start(Vertx vertx, Node node, WireConfig config, int listeners, QuorumView quorum, ServerFacts facts) {
        return start(vertx, node, config, listeners, quorum, facts, null);
    }

    /**
     * Binds the plain client port ahead of {@link #start} (which {@code bound} then completes), so
     * that binding overlaps the rest of a server's start. Clients wait in the backlog meanwhile.
     */
    public static CompletableFuture<NioClientPort> bindAhead(String host, int port, int listeners) {
        return OwnThread.supply("meerkat-client-bind", () -> {
            NioClientPort p = NioClientPort.bind(host, port, Math.max(1, listeners), "meerkat-client");
            try {
                // Long before the server accepts: the first connection's class loading, here and now.
                FirstConnection.prepare();
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
            return p;
        });
    }

    /** As above, with the plain port bound ahead ({@link #bindAhead}), or null to bind it here. */
    public static CompletableFuture<ZkServer> start(Vertx vertx, Node node, WireConfig config, int listeners, QuorumView quorum, ServerFacts facts,
                                                    CompletableFuture<NioClientPort> boundAhead) {
        if (vertx == null && config.security().hasSecurePort()) throw new IllegalArgumentException("a TLS client port needs Vert.x");
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
        // A node that failed serves nobody: its clients must notice at once and go elsewhere.
        node.onFailure(t -> server.closeAll("this server stopped on an error: " + t.getMessage()));
        if (config.security().audit()) node.subscribe(AuditLog.ephemeralDeletions(node.serverId()));
        WireSecurity security = config.security();
        int instances = Math.max(1, listeners);
        CompletableFuture<Void> plain = CompletableFuture.completedFuture(null);
        if (config.hasPlainPort()) {
            CompletableFuture<NioClientPort> opened = boundAhead == null
                    ? NioClientPort.open(config.host(), config.port(), instances, "meerkat-client", socket -> server.accept(socket, null))
                    : boundAhead.thenCompose(p -> p.accept(socket -> server.accept(socket, null)).thenApply(v -> p));
            plain = opened.thenAccept(p -> {
                        server.plainPort = p;
                        server.port = p.port();
                        // On a loop the first connection does not go to, while the caller goes on.
                        p.loops().get(p.loops().size() - 1).execute(FirstConnection::prepare);
                    });
        }
        CompletableFuture<Void> secure = CompletableFuture.completedFuture(null);
        if (security.hasSecurePort()) {
            // Reading the stores is file I/O: off the event loops. All listeners of the port deploy
            // together: Vert.x shares one bound socket between them (port 0 included).
            secure = vertx.executeBlocking(() -> {
                server.loadTls();
                return null;
            }).compose(v -> vertx.deployVerticle(() -> server.new Listener(), new DeploymentOptions().setInstances(instances)))
                    .map(id -> {
                        server.deployments.add(id);
                        if (security.tls().reloadCheckMs() > 0) server.watchTlsFiles(security.tls());
                        return (Void) null;
                    }).toCompletionStage().toCompletableFuture();
        }
        CompletableFuture<Void> securing = secure;
        return plain.thenCompose(v -> securing).handle((v, e) -> {
            if (e == null) return CompletableFuture.completedFuture(server);
            // One port failed: the other is not left listening.
            return server.close().<ZkServer>thenCompose(x -> CompletableFuture.failedFuture(e));
        }).thenCompose(f -> f).whenComplete((s, e) -> {
            if (s != null) LOG.info("serving ZooKeeper clients on {}", s.describePorts());
        });
    }

    private String describePorts() {
        String plain = config.hasPlainPort() ? config.host() + ":" + port : null;
        String secure = config.security().hasSecurePort() ? secureHost() + ":" + securePort + " (TLS)" : null;
        return plain == null ? secure : secure == null ? plain : plain + " and " + secure;
    }

    private String secureHost() {
        String h = config.security().secureHost();
        return h != null ? h : config.host() == null ? "0.0.0.0" : config.host();
    }

    /** The plain client port, or -1 when there is none. */
    public int port() {
        return port;
    }

    /** The TLS client port, or -1 when there is none. */
    public int securePort() {
        return securePort;
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

    GlobalThrottle throttle() {
        return throttle;
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
            connectionCount.decrementAndGet();
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
    public CompletableFuture<Void> close() {
        if (reloadTimer >= 0) vertx.cancelTimer(reloadTimer);
        closeAll("server stopping");
        CompletableFuture<Void> all = plainPort == null ? CompletableFuture.completedFuture(null) : plainPort.close();
        for (String id : deployments) all = all.thenCompose(v -> vertx.undeploy(id).toCompletionStage());
        deployments.clear();
        return all;
    }

    // ---- TLS -------------------------------------------------------------------------------

    /** Blocking: reads the key and trust stores. */
    private void loadTls() throws Exception {
        TlsSettings tls = config.security().tls();
        String version = VertxTls.filesVersion(tls);
        sslOptions = VertxTls.server(tls, config.limits().handshakeTimeoutMs());
        tlsFilesVersion = version;
    }

    /**
     * Certificates rotate without a restart: when a store file changes, the new keys are loaded and
     * used from the next handshake on; connections already open keep theirs.
     */
    private void watchTlsFiles(TlsSettings tls) {
        reloadTimer = vertx.setPeriodic(tls.reloadCheckMs(), id -> vertx.executeBlocking(() -> {
            String now = VertxTls.filesVersion(tls);
            if (now.equals(tlsFilesVersion)) return false;
            loadTls();
            return true;
        }, false).onSuccess(changed -> {
            if (!changed) return;
            for (NetServer s : secureServers) s.updateSSLOptions(sslOptions, true);
            LOG.info("reloaded the TLS key and trust stores of the client port ({} and {})", tls.keyStore().location(),
                    tls.trustStore() == null ? "the JDK's trust" : tls.trustStore().location());
        }).onFailure(e -> LOG.error("the TLS stores changed but cannot be loaded: {}; the previous keys stay in use", e.getMessage())));
    }

    /**
     * After the TLS handshake: the client's certificate (if any) becomes its x509 identity, as
     * ZooKeeper's X509AuthenticationProvider makes it; with hostname verification it must name the
     * client's address. Null when the client sent no certificate; throws when it must be refused.
     */
    private String certificateSubject(NetSocket socket) throws SSLPeerUnverifiedException {
        List<Certificate> chain;
        try {
            chain = socket.peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate cert)) return null;
        TlsSettings tls = config.security().tls();
        if (tls.hostnameVerification() && tls.clientHostnameVerification()) {
            InetAddress address = socket.remoteAddress() == null ? null : addressOf(socket.remoteAddress().hostAddress());
            boolean ok = address != null && (CertificateNames.matchesAddress(cert, address)
                    || (address.isLoopbackAddress() && CertificateNames.matchesHost(cert, "localhost")));
            if (!ok) {
                throw new SSLPeerUnverifiedException("the client certificate " + cert.getSubjectX500Principal().getName()
                        + " does not name the client's address " + socket.remoteAddress().hostAddress()
                        + " (ssl.hostnameVerification / ssl.clientHostnameVerification)");
            }
        }
        return cert.getSubjectX500Principal().getName();
    }

    private static InetAddress addressOf(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal address: no lookup
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    // ---- accepting -------------------------------------------------------------------------------

    /** Whether a new connection from {@code address} is within maxCnxns and maxClientCnxns; counts it if so. */
    private boolean admit(ClientSocket socket, String address) {
        int max = config.limits().maxCnxns();
        if (max > 0 && connectionCount.incrementAndGet() > max) {
            connectionCount.decrementAndGet();
            metrics.connectionsRefusedTotal.increment();
            metrics.connectionRejected();
            REFUSAL_LOG.warn("refusing a connection from {}: {} connections open, maxCnxns is {}", address, connections.size(), max);
            socket.close();
            return false;
        }
        if (max <= 0) connectionCount.incrementAndGet();
        AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (config.maxClientCnxns() > 0 && count.incrementAndGet() > config.maxClientCnxns()) {
            count.decrementAndGet();
            connectionCount.decrementAndGet();
            metrics.connectionsRefusedPerAddress.increment();
            metrics.connectionRejected();
            REFUSAL_LOG.warn("too many connections from {} - max is {} (maxClientCnxns)", address, config.maxClientCnxns());
            socket.close();
            return false;
        }
        if (config.maxClientCnxns() <= 0) count.incrementAndGet();
        return true;
    }

    /** A new connection, on its loop: admitted within the limits, it becomes a {@link ClientConnection}. */
    private void accept(ClientSocket socket, String certificateSubject) {
        if (!admit(socket, socket.remoteHost())) return;
        ClientConnection c = new ClientConnection(this, socket);
        c.tlsEstablished(certificateSubject);
        connections.put(c, Boolean.TRUE);
        metrics.connections.incrementAndGet();
    }

    /** The TLS port on one Vert.x event loop. */
    private final class Listener extends VerticleBase {
        private NetServer netServer;

        @Override
        public Future<?> start() {
            NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true);
            VertxTls.secure(options, sslOptions);
            netServer = vertx.createNetServer(options);
            secureServers.add(netServer);
            netServer.exceptionHandler(e -> {
                metrics.tlsHandshakeFailures.increment();
                REFUSAL_LOG.warn("a TLS handshake on the secure client port failed: {}", e.getMessage());
            });
            netServer.connectHandler(netSocket -> {
                ClientSocket socket = new VertxClientSocket(netSocket, context);
                String subject;
                try {
                    subject = certificateSubject(netSocket);
                } catch (SSLPeerUnverifiedException e) {
                    metrics.tlsHandshakeFailures.increment();
                    REFUSAL_LOG.warn("refusing the TLS client {}: {}", socket.remoteHost(), e.getMessage());
                    netSocket.close();
                    return;
                }
                accept(socket, subject);
            });
            return netServer.listen(config.security().securePort(), secureHost()).map(s -> {
                if (securePort < 0) securePort = s.actualPort();
                return s;
            });
        }

        @Override
        public Future<?> stop() {
            secureServers.remove(netServer);
            for (ClientConnection c : connections.keySet()) c.runOnContext(() -> c.close("server stopping"));
            return netServer == null ? Future.succeededFuture() : netServer.close();
        }
    }
}
