package dev.meerkat.wire.server;

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
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.ReplyHeader;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.RequestHeader;
import dev.meerkat.wire.proto.SetSASLResponse;
import dev.meerkat.wire.proto.UnknownRequest;
import dev.meerkat.wire.proto.WatcherEvent;
import io.vertx.core.Context;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One client's TCP connection, confined to its event loop. It ties together the parts that do the
 * work: {@link FrameReader} (framing), {@link SessionBinding} (the ConnectRequest and its session),
 * {@link Identities} (auth), {@link RequestPipeline} (requests in order, replies in order), and it
 * delivers watch events: an event reaches the client before any reply computed after the change,
 * because both leave through this one event loop in the order the tree thread produced them.
 * Nothing here blocks: core calls are offers, and their results come back via {@link Context#runOnContext}.
 */
final class ClientConnection implements Watcher, SessionOwner, SessionBinding.Connection, RequestPipeline.Connection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final int SYNC_CONNECTED = 3;
    private static final int PING_XID = -2;
    private static final int AUTH_XID = -4;
    private static final int NOTIFICATION_XID = -1;

    private enum State { AWAIT_CONNECT, CONNECTING, ACTIVE, CLOSING, CLOSED }

    private final ZkServer server;
    private final NetSocket socket;
    private final Context context;
    private final Node node;
    private final WireConfig config;
    private final ServerMetrics metrics;
    private final String remoteAddress;
    private final FrameReader frames;
    private final SessionBinding binding;
    private final Identities identities;
    private final RequestPipeline pipeline;
    /** Requests that arrived behind the ConnectRequest, before the session was bound. */
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private State state = State.AWAIT_CONNECT;
    private boolean paused;
    private final ConnectionStats stats = new ConnectionStats(System.currentTimeMillis());

    ClientConnection(ZkServer server, NetSocket socket, Context context) {
        this.server = server;
        this.socket = socket;
        this.context = context;
        this.node = server.node();
        this.config = server.config();
        this.metrics = server.metrics();
        this.remoteAddress = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
        this.identities = new Identities(remoteAddress, config.superDigest());
        this.binding = new SessionBinding(this, context, node, config);
        this.pipeline = new RequestPipeline(this, context, node, metrics, config.maxOutstanding());
        this.frames = new FrameReader(socket, config.maxBuffer(), new FrameReader.Sink() {
            @Override
            public void frame(byte[] body) {
                onFrame(body);
            }

            @Override
            public void fourLetterWord(String word) {
                server.fourLetterWords().answer(word, ClientConnection.this::runOnContext, ClientConnection.this::endWith);
            }

            @Override
            public boolean wantsTraceMask(String word) {
                return word.equals("stmk") && server.fourLetterWords().allowed(word);
            }

            @Override
            public void traceMask(long mask) {
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
        socket.closeHandler(v -> onClosed());
        if (socket instanceof NetSocketInternal internal) internal.eventHandler(this::onSocketEvent);
        socket.exceptionHandler(e -> LOG.debug("connection {} error: {}", remoteAddress, e.toString()));
    }

    void runOnContext(Runnable r) {
        context.runOnContext(v -> r.run());
    }

    String remoteAddress() {
        return remoteAddress;
    }

    /** cons's view of this connection; any thread (reads volatile statistics, and the queue's size racily). */
    ConnectionInfo info() {
        int port = socket.remoteAddress() == null ? 0 : socket.remoteAddress().port();
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
    private void onSocketEvent(Object event) {
        if (event instanceof ChannelInputShutdownEvent && (!frames.isFourLetterWord() || frames.awaitsArgument())) close(null);
    }

    private void endWith(String text) {
        if (state == State.CLOSED) return;
        state = State.CLOSING;
        socket.end(Buffer.buffer(text)).onComplete(v -> close(null));
    }

    // ---- frames in -------------------------------------------------------------------------------

    private void onFrame(byte[] body) {
        if (state == State.CLOSED) return;
        stats.received();
        metrics.packetsReceived.increment();
        switch (state) {
            case AWAIT_CONNECT -> {
                state = State.CONNECTING;
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
            // ZooKeeper without SASL configured answers OK with no token (its SASL server is null) and keeps the connection.
            case OpCode.SASL -> pipeline.local(xid, request, Reply.ok(new SetSASLResponse(null)), identities.current(), false);
            case OpCode.RECONFIG -> {
                ReconfigRequest r = (ReconfigRequest) request;
                pipeline.reconfig(xid, request, new ReconfigSpec(r.joiningServers(), r.leavingServers(), r.newMembers(), r.curConfigId()),
                        identities.current());
            }
            default -> {
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
        if (identities.authenticate(scheme, auth.auth())) {
            sendHeaderNow(AUTH_XID, 0, 0);
        } else {
            // As ZooKeeper: AuthFailed, then the connection goes.
            metrics.authFailed();
            sendHeaderNow(AUTH_XID, 0, ErrorCode.AUTH_FAILED.code());
            endAfterReplies();
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
        send(Buffer.buffer(out.toByteArray()));
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
    public void write(Buffer replies) {
        send(replies);
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
        socket.end().onComplete(v -> close(null));
    }

    private void sendHeaderNow(int xid, long zxid, int err) {
        JuteOutput out = new JuteOutput(32);
        int mark = out.beginFrame();
        new ReplyHeader(xid, zxid, err).write(out);
        out.endFrame(mark);
        stats.sent();
        metrics.packetsSent.increment();
        send(Buffer.buffer(out.toByteArray()));
    }

    private void send(Buffer buffer) {
        if (state == State.CLOSED) return;
        socket.write(buffer);
        if (socket.writeQueueFull()) {
            // A client that does not read its replies stops being read from.
            pauseReading();
            socket.drainHandler(v -> maybeResumeReading());
        }
    }

    @Override
    public void pauseReading() {
        if (!paused) {
            paused = true;
            frames.pause();
        }
    }

    @Override
    public void maybeResumeReading() {
        if (paused && state != State.CLOSED && pipeline.hasRoom() && early.size() < config.maxOutstanding() && !socket.writeQueueFull()) {
            paused = false;
            frames.resume();
        }
    }

    // ---- events from the core (tree thread) --------------------------------------------------------

    @Override
    public void process(WatchEvent event) {
        context.runOnContext(v -> sendEvent(event));
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
        send(Buffer.buffer(out.toByteArray()));
    }

    @Override
    public void sessionClosed(long id) {
        context.runOnContext(v -> {
            if (state == State.CLOSING) return;
            close("session 0x" + Long.toHexString(id) + " closed");
        });
    }

    @Override
    public void sessionMoved(long id) {
        context.runOnContext(v -> close("session 0x" + Long.toHexString(id) + " moved to another connection"));
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
        frames.stop();
        pipeline.clear();
        early.clear();
        server.unregister(this);
        if (binding.sessionId() != 0) node.release(binding.sessionId(), this, this);
    }
}
