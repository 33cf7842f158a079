package dev.meerkat.core.cluster.transport;

import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.PeerCodec;
import dev.meerkat.core.cluster.PeerListener;
import dev.meerkat.core.cluster.PeerMessage;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * A peer's connection to this server, on which it sends us its messages. The first frame must be
 * a hello that names us, a server of our ensemble, and the same quorum shape; anything else is
 * refused and closed. Messages are handed to the server in order; when it cannot take one, reading
 * stops until it can (back-pressure reaches the sender through TCP).
 */
final class InboundLink {
    private static final Logger LOG = LoggerFactory.getLogger(InboundLink.class);

    private final Vertx vertx;
    private final NetSocket socket;
    private final ClusterConfig cluster;
    private final PeerListener listener;
    private final VertxPeerTransport transport;
    private final RecordParser parser;
    private final dev.meerkat.core.tls.TlsSettings tls;
    private long peerId;
    private PeerMessage held;
    private boolean closed;

    InboundLink(Vertx vertx, NetSocket socket, ClusterConfig cluster, PeerListener listener, VertxPeerTransport transport,
                TransportConfig config) {
        this.vertx = vertx;
        this.socket = socket;
        this.cluster = cluster;
        this.listener = listener;
        this.transport = transport;
        this.tls = config.tls();
        this.parser = Frames.read(socket, this::onFrame, violation -> close("bad frame: " + violation));
        socket.closeHandler(v -> {
            closed = true;
            if (peerId != 0) transport.inboundClosed(peerId, this);
        });
        socket.exceptionHandler(e -> LOG.debug("link from {}: {}", socket.remoteAddress(), e.toString()));
        vertx.setTimer(config.handshakeTimeoutMs(), id -> {
            if (peerId == 0 && !closed) close("no hello within " + config.handshakeTimeoutMs() + " ms");
        });
    }

    private void onFrame(Frames.Frame frame) {
        if (closed) return;
        if (peerId == 0) {
            onHello(frame);
            return;
        }
        switch (frame.type()) {
            case Frames.PING -> socket.write(Frames.frame(Frames.PONG, new byte[0]));
            case Frames.MESSAGE -> {
                PeerMessage m;
                try {
                    m = PeerCodec.decode(frame.payload().getBytes());
                } catch (IOException e) {
                    close("malformed message from server " + peerId + ": " + e.getMessage());
                    return;
                }
                deliver(m);
            }
            default -> close("unexpected frame type " + frame.type() + " from server " + peerId);
        }
    }

    private void onHello(Frames.Frame frame) {
        Hello hello = frame.type() == Frames.HELLO ? Hello.decode(frame.payload()) : null;
        if (hello == null) {
            refuse(Hello.Refusal.NOT_A_PEER, "the first frame is not a Meerkat peer hello");
            return;
        }
        if (hello.version() != Hello.VERSION) {
            refuse(Hello.Refusal.VERSION, "peer protocol version " + hello.version() + ", this server speaks " + Hello.VERSION);
            return;
        }
        if (hello.toId() != cluster.myId()) {
            refuse(Hello.Refusal.WRONG_SERVER, "this is server " + cluster.myId() + ", not server " + hello.toId()
                    + ": server " + hello.fromId() + " has a wrong address for server." + hello.toId());
            return;
        }
        // With reconfig on, servers join and leave: one not (yet) in our list is expected.
        boolean dynamic = cluster.reconfigEnabled();
        if (hello.fromId() == cluster.myId() || hello.fromId() <= 0 || (!dynamic && cluster.server(hello.fromId()) == null)) {
            refuse(Hello.Refusal.UNKNOWN_SERVER, "server " + hello.fromId() + " is not in this server's ensemble " + cluster.quorumShape());
            return;
        }
        String impostor = certificateProblem(hello.fromId());
        if (impostor != null) {
            LOG.error("refusing the link from {} claiming to be server {}: {}", socket.remoteAddress(), hello.fromId(), impostor);
            refuse(Hello.Refusal.UNKNOWN_SERVER, impostor);
            return;
        }
        if (!dynamic && (hello.fingerprint() != cluster.quorumFingerprint() || !hello.quorumShape().equals(cluster.quorumShape()))) {
            String detail = "server " + hello.fromId() + " is configured with the ensemble [" + hello.quorumShape()
                    + "] but server " + cluster.myId() + " with [" + cluster.quorumShape() + "]";
            LOG.error("refusing the link from server {}: {}", hello.fromId(), detail);
            listener.onConfigMismatch(hello.fromId(), hello.quorumShape());
            // The refusal carries this server's list: the refused server reports it as the other side's
            // (PeerListener.onConfigMismatch), whichever of the two links is refused first.
            refuse(Hello.Refusal.CONFIG_MISMATCH, cluster.quorumShape());
            return;
        }
        peerId = hello.fromId();
        socket.write(Frames.frame(Frames.HELLO_OK, new byte[0]));
        transport.inboundOpened(peerId, this);
    }

    /**
     * With sslQuorum the TLS handshake has proven the peer holds a trusted certificate; with
     * hostname verification (as ZooKeeper's quorum does) that certificate must also name the
     * address this server's configuration gives for the server it claims to be, so one trusted
     * server cannot pose as another. A server not (yet) in the configuration (one joining by
     * reconfig) has no configured address: its certificate must name the address it connects from.
     * Null when all is well.
     */
    private String certificateProblem(long claimed) {
        if (tls == null) return null;
        java.security.cert.X509Certificate cert;
        try {
            var chain = socket.peerCertificates();
            cert = chain.isEmpty() ? null : (java.security.cert.X509Certificate) chain.get(0);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            cert = null;
        }
        if (cert == null) return "no certificate";
        if (!tls.hostnameVerification()) return null;
        dev.meerkat.core.cluster.ServerSpec configured = transport.server(claimed);
        String host = configured != null ? configured.host()
                : socket.remoteAddress() == null ? "" : socket.remoteAddress().hostAddress();
        // Only a literal address is parsed here (no name lookup on an event loop); a name is matched as a name.
        if (host.matches("[0-9.]+") || host.indexOf(':') >= 0) {
            try {
                java.net.InetAddress address = java.net.InetAddress.getByName(host);
                if (dev.meerkat.core.tls.CertificateNames.matchesAddress(cert, address)) return null;
            } catch (java.net.UnknownHostException e) {
                // not an address after all
            }
        }
        if (dev.meerkat.core.tls.CertificateNames.matchesHost(cert, host)) return null;
        return "its certificate " + cert.getSubjectX500Principal().getName() + " does not name " + host
                + (configured != null ? ", the address of server." + claimed : ", the address server " + claimed + " connects from")
                + " (ssl.quorum.hostnameVerification)";
    }

    private void refuse(Hello.Refusal reason, String detail) {
        socket.write(Frames.frame(Frames.HELLO_REFUSED, Hello.refusal(reason, detail)));
        socket.end().onComplete(v -> socket.close());
        closed = true;
    }

    private void deliver(PeerMessage m) {
        if (listener.onMessage(peerId, m)) return;
        // The server is busy: stop reading (TCP pushes back on the sender) and offer again shortly.
        held = m;
        parser.pause();
        vertx.setTimer(1, id -> retryHeld());
    }

    private void retryHeld() {
        if (closed || held == null) return;
        if (listener.onMessage(peerId, held)) {
            held = null;
            parser.resume();
        } else {
            vertx.setTimer(1, id -> retryHeld());
        }
    }

    void close(String reason) {
        if (closed) return;
        LOG.warn("closing the link from {} (server {}): {}", socket.remoteAddress(), peerId == 0 ? "?" : peerId, reason);
        closed = true;
        socket.close();
    }
}
