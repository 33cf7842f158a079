package dev.meerkat.core.cluster.transport;

import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.DynamicConfig;
import dev.meerkat.core.cluster.PeerCodec;
import dev.meerkat.core.cluster.PeerListener;
import dev.meerkat.core.cluster.PeerMessage;
import dev.meerkat.core.cluster.PeerTransport;
import dev.meerkat.core.cluster.ServerSpec;
import dev.meerkat.core.tls.TlsSettings;
import dev.meerkat.core.tls.VertxTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer port and the links to every other server, on Vert.x. Each pair of servers uses two TCP
 * connections, one per direction, so neither side has to decide who connects to whom; the client
 * port never carries peer traffic.
 */
public final class VertxPeerTransport implements PeerTransport {
    private static final Logger LOG = LoggerFactory.getLogger(VertxPeerTransport.class);

    private final Vertx vertx;
    private final ClusterConfig cluster;
    private final PeerListener listener;
    private final TransportConfig config;
    private final NetClient client;
    private final Map<Long, OutboundLink> outbound = new ConcurrentHashMap<>();
    private final Map<Long, InboundLink> inbound = new ConcurrentHashMap<>();
    private NetServer server;
    /** The servers of the configuration the links follow (null: the one this server started with). */
    private volatile Map<Long, ServerSpec> servers;
    private volatile int port = -1;
    private boolean closed;

    private VertxPeerTransport(Vertx vertx, ClusterConfig cluster, PeerListener listener, TransportConfig config) {
        this.vertx = vertx;
        this.cluster = cluster;
        this.listener = listener;
        this.config = config;
        NetClientOptions options = new NetClientOptions().setConnectTimeout(config.connectTimeoutMs()).setTcpNoDelay(true).setTcpKeepAlive(true);
        if (config.tls() != null) VertxTls.secure(options, tls(() -> VertxTls.client(config.tls(), config.handshakeTimeoutMs())));
        this.client = vertx.createNetClient(options);
    }

    interface TlsLoader<T> {
        T load() throws Exception;
    }

    /** Reads the quorum's key and trust stores (at start-up, on the starting thread). */
    private static <T> T tls(TlsLoader<T> loader) {
        try {
            return loader.load();
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the ssl.quorum key or trust store: " + e.getMessage(), e);
        }
    }

    /** Binds the peer port and starts connecting to every peer; completes once the port is bound. */
    public static Future<VertxPeerTransport> start(Vertx vertx, ClusterConfig cluster, PeerListener listener, TransportConfig config) {
        VertxPeerTransport t = new VertxPeerTransport(vertx, cluster, listener, config);
        ServerSpec self = cluster.self();
        String host = config.listenOnAllAddresses() ? "0.0.0.0" : self.host();
        NetServerOptions serverOptions = new NetServerOptions().setTcpNoDelay(true).setTcpKeepAlive(true).setReuseAddress(true);
        if (config.tls() != null) {
            // Between servers a certificate is always required, whatever ssl.quorum.clientAuth says.
            TlsSettings tls = config.tls();
            TlsSettings need = new TlsSettings(tls.keyStore(), tls.trustStore(), TlsSettings.ClientAuth.NEED, tls.protocol(),
                    tls.enabledProtocols(), tls.cipherSuites(), tls.hostnameVerification(), tls.clientHostnameVerification(), 0);
            VertxTls.secure(serverOptions, tls(() -> VertxTls.server(need, config.handshakeTimeoutMs())));
        }
        t.server = vertx.createNetServer(serverOptions);
        t.server.connectHandler(socket -> new InboundLink(vertx, socket, cluster, listener, t, config));
        return t.server.listen(cluster.bindPeerPort(), host).map(s -> {
            t.port = s.actualPort();
            LOG.info("server {} listens for peers on {}:{}", cluster.myId(), host, t.port);
            for (ServerSpec peer : cluster.peers()) {
                OutboundLink link = new OutboundLink(vertx, t.client, cluster, peer, listener, config);
                t.outbound.put(peer.id(), link);
                link.start();
            }
            return t;
        });
    }

    @Override
    public boolean send(long to, PeerMessage message) {
        OutboundLink link = outbound.get(to);
        return link != null && link.send(Frames.MESSAGE, PeerCodec.encode(message));
    }

    /**
     * Follows a new configuration: links to servers that joined, none to servers that left, and a
     * new link where a server's address changed.
     */
    @Override
    public synchronized void updatePeers(DynamicConfig config) {
        if (closed) return;
        servers = Map.copyOf(config.servers());
        for (Map.Entry<Long, OutboundLink> e : Map.copyOf(outbound).entrySet()) {
            ServerSpec wanted = config.servers().get(e.getKey());
            if (wanted == null || !sameAddress(wanted, e.getValue().peer())) {
                LOG.info("server {}: no longer linking to server {} at {}:{}", cluster.myId(), e.getKey(),
                        e.getValue().peer().host(), e.getValue().peer().peerPort());
                e.getValue().close();
                outbound.remove(e.getKey());
            }
        }
        for (ServerSpec peer : config.servers().values()) {
            if (peer.id() == cluster.myId() || outbound.containsKey(peer.id())) continue;
            LOG.info("server {}: linking to server {} at {}:{}", cluster.myId(), peer.id(), peer.host(), peer.peerPort());
            OutboundLink link = new OutboundLink(vertx, client, cluster, peer, listener, config());
            outbound.put(peer.id(), link);
            link.start();
        }
    }

    /** Server {@code id} as the configuration the links follow has it; null when it is not in it. */
    ServerSpec server(long id) {
        Map<Long, ServerSpec> now = servers;
        return now != null ? now.get(id) : cluster.server(id);
    }

    private static boolean sameAddress(ServerSpec a, ServerSpec b) {
        return a.host().equals(b.host()) && a.peerPort() == b.peerPort();
    }

    private TransportConfig config() {
        return config;
    }

    @Override
    public boolean hasInbound(long peer) {
        return inbound.containsKey(peer);
    }

    /** Whether the link to {@code peer} is up. */
    public boolean isConnected(long peer) {
        OutboundLink link = outbound.get(peer);
        return link != null && link.isReady();
    }

    @Override
    public int port() {
        return port;
    }

    void inboundOpened(long peer, InboundLink link) {
        InboundLink previous = inbound.put(peer, link);
        // A peer that reconnects has given up on its old connection; so do we.
        if (previous != null && previous != link) previous.close("server " + peer + " opened a new link");
    }

    void inboundClosed(long peer, InboundLink link) {
        inbound.remove(peer, link);
    }

    @Override
    public synchronized void close() {
        closed = true;
        outbound.values().forEach(OutboundLink::close);
        inbound.values().forEach(l -> l.close("server stopping"));
        if (server != null) server.close();
        client.close();
    }
}
