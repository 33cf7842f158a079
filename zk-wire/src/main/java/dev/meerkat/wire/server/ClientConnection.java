package dev.meerkat.wire.server;

import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.node.SessionOwner;
import dev.meerkat.core.watch.Watcher;
import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.core.cluster.ReconfigSpec;
import dev.meerkat.wire.proto.ReconfigRequest;
import dev.meerkat.wire.proto.AuthPacket;
import dev.meerkat.wire.proto.ConnectResponse;
import dev.meerkat.wire.proto.MultiReadRequest;
import dev.meerkat.wire.proto.MultiRequest;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.ReplyHeader;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.RequestHeader;
import dev.meerkat.wire.proto.SetSASLRequest;
import dev.meerkat.wire.proto.SetSASLResponse;
import dev.meerkat.wire.proto.SetWatches;
import dev.meerkat.wire.proto.SetWatches2;
import dev.meerkat.wire.proto.UnknownRequest;
import dev.meerkat.wire.proto.WatcherEvent;
import dev.meerkat.wire.security.SaslAuthenticator;
import dev.meerkat.wire.security.WireSecurity;
import dev.meerkat.wire.transport.ClientSocket;
import dev.meerkat.wire.transport.EventLoop;
import dev.meerkat.wire.transport.SocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.sasl.SaslException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client's TCP connection, confined to its event loop. It ties together the parts that do the
 * work: {@link FrameReader} (framing), {@link SessionBinding} (the ConnectRequest and its session),
 * {@link Identities} (auth: digest, SASL, x509), {@link RequestPipeline} (requests in order, replies
 * in order), and it delivers watch events: an event reaches the client before any reply computed
 * after the change, because both leave through this one event loop in the order the tree thread
 * produced them. Nothing here blocks: core calls are offers, and their results come back via
 * {@link EventLoop#execute}. The socket is the transport's ({@link ClientSocket}: the JDK's NIO for
 * the plain port, Vert.x for TLS); this class only sees bytes.
 */
final class ClientConnection implements Watcher, SessionOwner, SessionBinding.Connection, RequestPipeline.Connection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final RateLimitedLog HANDSHAKE_LOG = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private static final RateLimitedLog LIMIT_LOG = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private static final int SYNC_CONNECTED = 3;
    private static final int PING_XID = -2;
    private static final int AUTH_XID = -4;
    private static final int NOTIFICATION_XID = -1;

    private enum State { AWAIT_CONNECT, CONNECTING, ACTIVE, CLOSING, CLOSED }

    private final ZkServer server;
    private final ClientSocket socket;
    private final EventLoop loop;
    private final Node node;
    private final WireConfig config;
    private final WireSecurity security;
    private final ServerMetrics metrics;
    private final String remoteAddress;
    private final FrameReader frames;
    private final SessionBinding binding;
    private final Identities identities;
    private final RequestPipeline pipeline;
    private final SaslAuthenticator.Exchange sasl;
    /** Requests that arrived behind the ConnectRequest, before the session was bound. */
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private final long handshakeTimer;
    private State state = State.AWAIT_CONNECT;
    private boolean paused;
    private long stallTimer = -1;
    private final ConnectionStats stats = new ConnectionStats(System.currentTimeMillis());

    ClientConnection(ZkServer server, ClientSocket socket) {
        this.server = server;
        this.socket = socket;
        this.loop = socket.loop();
        this.node = server.node();
        this.config = server.config();
        this.security = config.security();
        this.metrics = server.metrics();
        this.remoteAddress = socket.remoteHost();
        this.identities = new Identities(remoteAddress, config.superDigest(), security.superUser(), security.x509SuperUser());
        this.sasl = security.sasl() == null ? null : security.sasl().newExchange();
        this.binding = new SessionBinding(this, loop, node, config);
        this.pipeline = new RequestPipeline(this, loop, node, metrics, config.maxOutstanding(), config.limits(), server.throttle());
        this.frames = new FrameReader(config.maxBuffer(), new FrameReader.Sink() {
            @Override
            public void frame(byte[] body) {
                onFrame(body);
            }

            @Override
            public void fourLetterWord(String word) {
                // Answered, not timed out: a listing (wchc, dump) may take a hop to the tree thread.
                loop.cancelTimer(handshakeTimer);
                server.fourLetterWords().answer(word, ClientConnection.this::runOnContext, ClientConnection.this::endWith);
            }

            @Override
            public boolean wantsTraceMask(String word) {
                return word.equals("stmk") && server.fourLetterWords().allowed(word);
            }

            @Override
            public void traceMask(long mask) {
                loop.cancelTimer(handshakeTimer);
                endWith(server.fourLetterWords().setTraceMask(mask));
            }

            @Override
            public void violation(String reason) {
                close(reason);
            }

            @Override
            public void bytesRead(int n) {
                metrics.bytesReceived(n);
            }
        });
        int deadline = config.limits().handshakeTimeoutMs();
        handshakeTimer = loop.setTimer(deadline, () -> {
            if (state != State.AWAIT_CONNECT) return;
            metrics.handshakeTimeouts.increment();
            HANDSHAKE_LOG.warn("closing a connection from {} that sent no complete ConnectRequest within {} ms (meerkat.handshakeTimeoutMs)",
                    remoteAddress, deadline);
            close(null);
        });
        socket.start(new SocketListener() {
            @Override
            public void received(byte[] bytes, int offset, int length) {
                frames.feed(bytes, offset, length);
            }

            @Override
            public void inputEnded() {
                onInputEnded();
            }

            @Override
            public void drained() {
                pipeline.drained();
                maybeResumeReading();
            }

            @Override
            public void wrote(long queuedBeforeBytes) {
                // Reads held back while the client owed too much may run again now.
                long soft = config.limits().outboundSoftLimit();
                long owed = pipeline.owedBytes();
                if (owed <= soft && owed + (queuedBeforeBytes - socket.queuedBytes()) > soft) pipeline.drained();
            }

            @Override
            public void closed() {
                onClosed();
            }
        });
    }

    /** A TLS connection: the client's certificate, if it sent one, is an x509 identity. */
    void tlsEstablished(String certificateSubject) {
        if (certificateSubject != null) identities.x509Authenticated(certificateSubject);
    }

    void runOnContext(Runnable r) {
        loop.execute(r);
    }

    String remoteAddress() {
        return remoteAddress;
    }

    /** cons's view of this connection; any thread (reads volatile statistics, and the queue's size racily). */
    ConnectionInfo info() {
        int port = socket.remotePort();
        ConnectionStats s = stats;
        return new ConnectionInfo(remoteAddress + ":" + port, frames.isFourLetterWord() ? 0 : 1, pipeline.queued(), s.packetsReceived(),
                s.packetsSent(), binding.sessionId(), s.lastOp(), s.establishedMs(), binding.timeoutMs(), s.lastCxid(), s.lastZxid(),
                s.lastResponseMs(), s.lastLatencyMs(), s.minLatencyMs(), s.avgLatencyMs(), s.maxLatencyMs());
    }

    /** crst; on this connection's event loop. */
    void resetStats() {
        stats.reset();
    }

    /** The client shut its sending side: a four-letter word is still answered; anything else ends, as on ZooKeeper. */
    private void onInputEnded() {
        if (!frames.isFourLetterWord() || frames.awaitsArgument()) {
            close(null);
        } else {
            frames.end();
        }
    }

    private void endWith(String text) {
        if (state == State.CLOSED) return;
        state = State.CLOSING;
        socket.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        socket.closeAfterWrites();
    }

    // ---- frames in -------------------------------------------------------------------------------

    private void onFrame(byte[] body) {
        if (state == State.CLOSED) return;
        stats.received();
        metrics.packetsReceived.increment();
        switch (state) {
            case AWAIT_CONNECT -> {
                state = State.CONNECTING;
                loop.cancelTimer(handshakeTimer);
                binding.onConnect(body);
            }
            case CONNECTING -> {
                // The Java client sends setWatches and auth right behind its ConnectRequest.
                early.add(body);
                if (early.size() >= config.maxOutstanding()) pauseReading();
            }
            case ACTIVE -> onRequest(body);
            default -> {
            }
        }
    }

    private volatile boolean readOnly;

    private void onRequest(byte[] body) {
        JuteInput in = new JuteInput(body, 0, body.length, config.maxBuffer());
        RequestHeader header;
        try {
            header = RequestHeader.read(in);
        } catch (JuteException e) {
            close("malformed request header: " + e.getMessage());
            return;
        }
        if (!readOnly) node.touch(binding.sessionId());
        Request request;
        try {
            request = Request.decode(header.type(), in);
        } catch (JuteException e) {
            LOG.debug("bad request body from {} (op {}): {}", remoteAddress, header.type(), e.getMessage());
            pipeline.local(header.xid(), null, Reply.error(ErrorCode.MARSHALLING_ERROR.code()), identities.current(), false);
            return;
        }
        int xid = header.xid();
        if (header.type() != OpCode.AUTH && header.type() != OpCode.SASL && !authenticatedEnough()) {
            // As ZooKeeper's enforce.auth.enabled: the request is refused with this code and the connection goes.
            metrics.authFailures.increment();
            LOG.warn("client {} (session 0x{}) is not authenticated with one of {} (enforce.auth.schemes); closing its connection",
                    remoteAddress, Long.toHexString(binding.sessionId()), security.enforceSchemes());
            pipeline.local(xid, request, Reply.error(ErrorCode.SESSION_CLOSED_REQUIRE_SASL_AUTH.code()), identities.current(), true);
            return;
        }
        if (readOnly && refusedReadOnly(header.type(), xid, request)) return;
        switch (header.type()) {
            case OpCode.PING -> {
                long zxid = node.lastApplied();
                sendHeaderNow(PING_XID, zxid, 0);
                stats.replied(PING_XID, zxid, OpCode.PING, 0, System.currentTimeMillis());
                metrics.replied(OpCode.PING, false, 0, 16);
            }
            case OpCode.AUTH -> onAuth((AuthPacket) request);
            case OpCode.CLOSE_SESSION -> pipeline.closeSession(xid, request, identities.current());
            case OpCode.WHO_AM_I -> pipeline.local(xid, request, Reply.ok(identities.whoAmI()), identities.current(), false);
            case OpCode.SASL -> onSasl(xid, (SetSASLRequest) request);
            case OpCode.RECONFIG -> {
                ReconfigRequest r = (ReconfigRequest) request;
                pipeline.reconfig(xid, request, new ReconfigSpec(r.joiningServers(), r.leavingServers(), r.newMembers(), r.curConfigId()),
                        identities.current());
            }
            default -> {
                if (tooManyOps(request)) {
                    pipeline.local(xid, request, Reply.error(ErrorCode.BAD_ARGUMENTS.code()), identities.current(), false);
                    return;
                }
                Translation t = RequestTranslator.translate(request);
                if (t instanceof Translation.Write w) {
                    pipeline.write(xid, request, w.op(), identities.current());
                } else if (t instanceof Translation.Read r) {
                    pipeline.read(xid, request, r.query(), identities.current());
                } else {
                    // As ZooKeeper's UnimplementedRequestProcessor: an unknown opcode gets -6, then the connection goes.
                    boolean closeAfter = request instanceof UnknownRequest || header.type() == OpCode.CHECK;
                    pipeline.local(xid, request, Reply.error(((Translation.Refused) t).code().code()), identities.current(), closeAfter);
                }
            }
        }
    }

    private boolean authenticatedEnough() {
        return !security.enforceAuth() || identities.authenticatedWith(security.enforceSchemes());
    }

    private boolean tooManyOps(Request request) {
        int ops = request instanceof MultiRequest m ? m.ops().size() : request instanceof MultiReadRequest r ? r.ops().size() : 0;
        if (ops <= config.limits().maxMultiOps()) return false;
        metrics.multisRefused.increment();
        LIMIT_LOG.warn("refusing a multi of {} operations from {} (meerkat.maxMultiOps is {})", ops, remoteAddress, config.limits().maxMultiOps());
        return true;
    }

    /**
     * On a read-only server: writes, sync, check and reconfig get NOT_READONLY, as from ZooKeeper's
     * ReadOnlyRequestProcessor; closing the session ends only this connection (the session is
     * this server's own, or lives on in the ensemble). True when the request was answered here.
     */
    private boolean refusedReadOnly(int opcode, int xid, Request request) {
        switch (opcode) {
            case OpCode.CLOSE_SESSION -> {
                pipeline.local(xid, request, Reply.ok(null), identities.current(), true);
                return true;
            }
            case OpCode.RECONFIG, OpCode.CHECK, OpCode.SYNC -> {
                pipeline.local(xid, request, Reply.error(ErrorCode.NOT_READ_ONLY.code()), identities.current(), false);
                return true;
            }
            default -> {
                if (opcode == OpCode.PING || opcode == OpCode.AUTH || opcode == OpCode.WHO_AM_I || opcode == OpCode.SASL) return false;
                if (RequestTranslator.translate(request) instanceof Translation.Write) {
                    pipeline.local(xid, request, Reply.error(ErrorCode.NOT_READ_ONLY.code()), identities.current(), false);
                    return true;
                }
                return false;
            }
        }
    }

    /** Whether this connection's session is bound read-only (its server has no quorum). */
    boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public void readOnly() {
        readOnly = true;
        pipeline.readLocally();
    }

    private void onAuth(AuthPacket auth) {
        String scheme = auth.scheme() == null ? "" : auth.scheme();
        boolean ok = identities.authenticate(scheme, auth.auth());
        if (security.audit()) AuditLog.authenticated(binding.sessionId(), remoteAddress, identities.current(), "addAuth", scheme, ok);
        if (ok) {
            sendHeaderNow(AUTH_XID, 0, 0);
        } else {
            // As ZooKeeper: AuthFailed, then the connection goes.
            metrics.authFailures.increment();
            metrics.authFailed();
            sendHeaderNow(AUTH_XID, 0, ErrorCode.AUTH_FAILED.code());
            endAfterReplies();
        }
    }

    /**
     * One step of a SASL exchange, as ZooKeeper's {@code processSasl}: the server's token goes back;
     * once complete, the client has a sasl identity. A failed exchange gets AUTH_FAILED (or, when
     * SASL is enforced, SESSION_CLOSED_REQUIRE_SASL_AUTH) and the connection goes. Without SASL
     * configured the answer is an empty token, as from a ZooKeeper whose SASL server is null.
     */
    private void onSasl(int xid, SetSASLRequest request) {
        if (sasl == null) {
            pipeline.local(xid, request, Reply.ok(new SetSASLResponse(null)), identities.current(), false);
            return;
        }
        try {
            byte[] token = sasl.evaluate(request.token());
            if (sasl.isComplete()) {
                identities.saslAuthenticated(sasl.authorizedId());
                LOG.info("session 0x{}: SASL authenticated {} as {}", Long.toHexString(binding.sessionId()), remoteAddress, sasl.authorizedId());
                if (security.audit()) AuditLog.authenticated(binding.sessionId(), remoteAddress, identities.current(), "saslAuth", "sasl", true);
            }
            pipeline.local(xid, request, Reply.ok(new SetSASLResponse(token)), identities.current(), false);
        } catch (SaslException | RuntimeException e) {
            metrics.authFailures.increment();
            boolean required = security.enforceAuth() && security.enforceSchemes().contains("sasl");
            LOG.warn("client {} failed to SASL-authenticate: {}; closing its connection", remoteAddress, e.getMessage());
            if (security.audit()) AuditLog.authenticated(binding.sessionId(), remoteAddress, identities.current(), "saslAuth", "sasl", false);
            ErrorCode code = required ? ErrorCode.SESSION_CLOSED_REQUIRE_SASL_AUTH : ErrorCode.AUTH_FAILED;
            // With an (empty) token, as ZooKeeper: its client reads the token of a SASL reply whatever the error code.
            pipeline.local(xid, request, Reply.errorWithBody(code.code(), new SetSASLResponse(null)), identities.current(), true);
        }
    }

    // ---- session binding ---------------------------------------------------------------------------

    @Override
    public SessionOwner owner() {
        return this;
    }

    @Override
    public Watcher watcher() {
        return this;
    }

    @Override
    public long sessionId() {
        return binding.sessionId();
    }

    @Override
    public void sendConnectResponse(ConnectResponse response) {
        JuteOutput out = new JuteOutput(64);
        int mark = out.beginFrame();
        response.write(out);
        out.endFrame(mark);
        send(out.toByteArray());
    }

    @Override
    public void established() {
        state = State.ACTIVE;
        while (!early.isEmpty() && state == State.ACTIVE) onRequest(early.poll());
        maybeResumeReading();
    }

    @Override
    public void endExpired() {
        endAfterReplies();
    }

    @Override
    public void refuse(String reason) {
        close(reason);
    }

    @Override
    public void handshakeFailed() {
        metrics.handshakeFailed();
    }

    // ---- frames out -------------------------------------------------------------------------------

    @Override
    public void write(byte[] replies) {
        send(replies);
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public long unsentBytes() {
        return socket.queuedBytes();
    }

    /**
     * The client owes more than maxOutboundBytes. One that keeps taking bytes is only slow, and is
     * served at its pace; one whose socket has taken nothing for outboundStallMs has stopped reading
     * and is disconnected. Checked again when the stall would have lasted that long.
     */
    @Override
    public void outboundLimitExceeded(long owedBytes) {
        if (stallTimer >= 0 || state == State.CLOSED) return;
        long stallMs = config.limits().outboundStallMs();
        long quietMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - socket.lastProgressNanos());
        if (quietMs >= stallMs && socket.queuedBytes() > 0) {
            metrics.outboundLimitDisconnects.increment();
            LIMIT_LOG.warn("disconnecting {} (session 0x{}): it has stopped reading, {} bytes of replies owed and none taken for {} ms"
                            + " (meerkat.maxOutboundBytes is {})", remoteAddress, Long.toHexString(binding.sessionId()), owedBytes, quietMs,
                    config.limits().maxOutboundBytes());
            close(null);
            return;
        }
        stallTimer = loop.setTimer(Math.max(1, stallMs - quietMs), () -> {
            stallTimer = -1;
            long owed = pipeline.owedBytes();
            if (owed > config.limits().maxOutboundBytes()) outboundLimitExceeded(owed);
        });
    }

    @Override
    public void answered(Request request, Reply reply, List<AuthId> ids) {
        if (reply.err() == ErrorCode.THROTTLED_OP.code() && request != null) {
            metrics.watchesRefused.increment();
            LIMIT_LOG.warn("refusing a watch of session 0x{} from {}: it has as many as meerkat.maxWatchesPerSession allows",
                    Long.toHexString(binding.sessionId()), remoteAddress);
            // The client would take a refused setWatches for watches re-armed: it must reconnect instead.
            if (request instanceof SetWatches || request instanceof SetWatches2) runOnContext(() -> close(null));
        } else if (reply.err() == ErrorCode.QUOTA_EXCEEDED.code()) {
            metrics.quotaExceeded.increment();
        }
        if (security.audit() && request != null) AuditLog.answered(binding.sessionId(), remoteAddress, ids, request, reply);
    }

    @Override
    public void replied(int xid, long zxid, int opcode, boolean write, long latencyNanos, int bytes, long nowMs) {
        stats.sent();
        metrics.packetsSent.increment();
        stats.replied(xid, zxid, opcode, latencyNanos / 1_000_000, nowMs);
        metrics.replied(opcode, write, latencyNanos, bytes);
    }

    @Override
    public void endAfterReplies() {
        state = State.CLOSING;
        socket.closeAfterWrites();
    }

    private void sendHeaderNow(int xid, long zxid, int err) {
        JuteOutput out = new JuteOutput(32);
        int mark = out.beginFrame();
        new ReplyHeader(xid, zxid, err).write(out);
        out.endFrame(mark);
        stats.sent();
        metrics.packetsSent.increment();
        send(out.toByteArray());
    }

    private void send(byte[] bytes) {
        if (state == State.CLOSED) return;
        socket.write(bytes);
        // A client that does not read its replies stops being read from (the drain handler resumes).
        if (socket.writeQueueFull()) pauseReading();
    }

    @Override
    public void pauseReading() {
        if (!paused) {
            paused = true;
            frames.pause();
            socket.pauseReading();
        }
        if (!server.throttle().allows(pipeline.queued())) server.throttle().hold(this);
    }

    @Override
    public void maybeResumeReading() {
        if (!paused || state == State.CLOSED) return;
        if (pipeline.hasRoom() && early.size() < config.maxOutstanding() && !socket.writeQueueFull()) {
            paused = false;
            frames.resume();
            // Unless a frame handed on just now paused again.
            if (!paused) socket.resumeReading();
        } else if (!server.throttle().allows(pipeline.queued())) {
            server.throttle().hold(this);
        }
    }

    @Override
    public void retryReading() {
        runOnContext(this::maybeResumeReading);
    }

    // ---- events from the core (tree thread) --------------------------------------------------------

    @Override
    public void process(WatchEvent event) {
        loop.execute(() -> sendEvent(event));
    }

    private void sendEvent(WatchEvent event) {
        if (state != State.ACTIVE && state != State.CONNECTING) return;
        JuteOutput out = new JuteOutput(64 + event.path().length());
        int mark = out.beginFrame();
        new ReplyHeader(NOTIFICATION_XID, event.zxid(), 0).write(out);
        new WatcherEvent(event.type().code(), SYNC_CONNECTED, event.path()).write(out);
        out.endFrame(mark);
        stats.sent();
        metrics.packetsSent.increment();
        send(out.toByteArray());
    }

    @Override
    public void sessionClosed(long id) {
        loop.execute(() -> {
            if (state == State.CLOSING) return;
            close("session 0x" + Long.toHexString(id) + " closed");
        });
    }

    @Override
    public void sessionMoved(long id) {
        loop.execute(() -> close("session 0x" + Long.toHexString(id) + " moved to another connection"));
    }

    @Override
    public void failed(Throwable t) {
        failedInternally(t);
    }

    /** Code run on the tree thread for this connection failed: this connection goes, the node stays. */
    @Override
    public void failedInternally(Throwable t) {
        metrics.requestsFailedInternally.increment();
        LOG.error("internal error serving {} (session 0x{}); closing its connection", remoteAddress, Long.toHexString(binding.sessionId()), t);
        runOnContext(() -> close(null));
    }

    // ---- closing ---------------------------------------------------------------------------

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    void close(String reason) {
        if (state == State.CLOSED) return;
        if (reason != null) LOG.info("closing connection from {}: {}", remoteAddress, reason);
        state = State.CLOSED;
        frames.stop();
        socket.close();
    }

    private void onClosed() {
        state = State.CLOSED;
        loop.cancelTimer(handshakeTimer);
        if (stallTimer >= 0) loop.cancelTimer(stallTimer);
        frames.stop();
        pipeline.clear();
        early.clear();
        server.throttle().forget(this);
        server.unregister(this);
        if (binding.sessionId() != 0) node.release(binding.sessionId(), this, this);
    }
}
