package dev.meerkat.wire.server;

import dev.meerkat.core.acl.DigestAuth;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.node.SessionOwner;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.watch.Watcher;
import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.AuthPacket;
import dev.meerkat.wire.proto.ClientInfo;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.ConnectResponse;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.ReplyHeader;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.RequestHeader;
import dev.meerkat.wire.proto.SetSASLResponse;
import dev.meerkat.wire.proto.UnknownRequest;
import dev.meerkat.wire.proto.WatcherEvent;
import dev.meerkat.wire.proto.WhoAmIResponse;
import io.vertx.core.Context;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client's TCP connection, confined to its event loop. It frames and decodes requests, binds
 * the session, and keeps ZooKeeper's ordering promises:
 * <ul>
 *   <li>replies leave in request order (a client drops the connection on an out-of-order xid);</li>
 *   <li>a read waits until this session's earlier writes are applied (per-session FIFO);</li>
 *   <li>watch events reach the client before any reply computed after the change.</li>
 * </ul>
 * Nothing here blocks: core calls are offers, and their results come back via {@link Context#runOnContext}.
 */
final class ClientConnection implements Watcher, SessionOwner {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SYNC_CONNECTED = 3;
    private static final int PING_XID = -2;
    private static final int AUTH_XID = -4;
    private static final int NOTIFICATION_XID = -1;

    private enum State { AWAIT_CONNECT, CONNECTING, ACTIVE, CLOSING, CLOSED }

    private enum Kind { WRITE, READ, LOCAL }

    private static final Object CLOSED = new Object();

    /** One request from arrival until its reply is written. */
    private static final class Slot {
        final int xid;
        final Request request;
        final Kind kind;
        final Object work;
        final List<AuthId> ids;
        final long startNanos = System.nanoTime();
        Reply reply;
        long zxid;
        boolean done;
        boolean closeAfter;
        /**
         * For a write: reads that arrived behind it, answered in its completion on the tree thread.
         * Holds a List of slots, or {@link #CLOSED} once the write has completed.
         */
        final AtomicReference<Object> followers = new AtomicReference<>(List.of());

        Slot(int xid, Request request, Kind kind, Object work, List<AuthId> ids) {
            this.xid = xid;
            this.request = request;
            this.kind = kind;
            this.work = work;
            this.ids = ids;
        }
    }

    private final ZkServer server;
    private final NetSocket socket;
    private final Context context;
    private final Node node;
    private final WireConfig config;
    private final ServerMetrics metrics;
    private final RecordParser parser;
    private final String remoteAddress;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private final ArrayDeque<Slot> unsubmitted = new ArrayDeque<>();
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private State state = State.AWAIT_CONNECT;
    private boolean readingLength = true;
    private boolean firstFrame = true;
    private boolean paused;
    private boolean retryScheduled;
    private int writesInFlight;
    /** The session's latest write not yet known complete here; later reads wait on it. */
    private Slot lastWrite;
    private long sessionId;
    private int timeoutMs;
    private byte[] password;
    /** Replaced, never mutated, so a slot can keep the identities it arrived with. */
    private List<AuthId> authIds;
    private final ConnectionStats stats = new ConnectionStats(System.currentTimeMillis());
    /** This connection asked a four-letter word: it is answered even after the client half-closes. */
    private boolean fourLetterWord;
    private boolean awaitingTraceMask;

    ClientConnection(ZkServer server, NetSocket socket, Context context) {
        this.server = server;
        this.socket = socket;
        this.context = context;
        this.node = server.node();
        this.config = server.config();
        this.metrics = server.metrics();
        this.remoteAddress = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
        this.authIds = List.of(new AuthId("ip", remoteAddress));
        this.parser = RecordParser.newFixed(4, socket);
        parser.handler(this::onRecord);
        parser.exceptionHandler(e -> close("read error: " + e.getMessage()));
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
        return new ConnectionInfo(remoteAddress + ":" + port, fourLetterWord ? 0 : 1, slots.size(), s.packetsReceived(),
                s.packetsSent(), sessionId, s.lastOp(), s.establishedMs(), timeoutMs, s.lastCxid(), s.lastZxid(),
                s.lastResponseMs(), s.lastLatencyMs(), s.minLatencyMs(), s.avgLatencyMs(), s.maxLatencyMs());
    }

    /** crst; on this connection's event loop. */
    void resetStats() {
        stats.reset();
    }

    @Override
    public long sessionId() {
        return sessionId;
    }

    /** The client shut its sending side: a four-letter word is still answered; anything else ends, as on ZooKeeper. */
    private void onSocketEvent(Object event) {
        if (event instanceof ChannelInputShutdownEvent && (!fourLetterWord || awaitingTraceMask)) close(null);
    }

    private void answerFourLetterWord(String word) {
        server.fourLetterWords().answer(word, this::runOnContext, this::endWith);
    }

    private void endWith(String text) {
        if (state == State.CLOSED) return;
        state = State.CLOSING;
        socket.end(Buffer.buffer(text)).onComplete(v -> close(null));
    }

    // ---- framing ------------------------------------------------------------------------

    private void onRecord(Buffer record) {
        if (state == State.CLOSED) return;
        metrics.bytesReceived(record.length());
        if (awaitingTraceMask) {
            // stmk: the eight bytes after the word are the new mask.
            awaitingTraceMask = false;
            parser.pause();
            endWith(server.fourLetterWords().setTraceMask(record.getLong(0)));
            return;
        }
        if (readingLength) {
            if (firstFrame && state == State.AWAIT_CONNECT) {
                String word = record.toString(StandardCharsets.US_ASCII);
                if (FourLetterWords.isCommand(word)) {
                    firstFrame = false;
                    fourLetterWord = true;
                    stats.received();
                    metrics.packetsReceived.increment();
                    if (word.equals("stmk") && server.fourLetterWords().allowed(word)) {
                        awaitingTraceMask = true;
                        parser.fixedSizeMode(8);
                        return;
                    }
                    parser.pause();
                    answerFourLetterWord(word);
                    return;
                }
            }
            firstFrame = false;
            int length = record.getInt(0);
            // ZooKeeper allows a little over jute.maxbuffer for the header around the data.
            if (length <= 0 || length > config.maxBuffer() + 1024) {
                close("frame length " + length + " out of range (jute.maxbuffer " + config.maxBuffer() + ")");
                return;
            }
            readingLength = false;
            parser.fixedSizeMode(length);
        } else {
            readingLength = true;
            parser.fixedSizeMode(4);
            stats.received();
            metrics.packetsReceived.increment();
            onFrame(record.getBytes());
        }
    }

    private void onFrame(byte[] body) {
        switch (state) {
            case AWAIT_CONNECT -> onConnect(body);
            case CONNECTING -> {
                // The Java client sends setWatches and auth right behind its ConnectRequest.
                early.add(body);
                if (early.size() >= config.maxOutstanding()) pause();
            }
            case ACTIVE -> onRequest(body);
            default -> {
            }
        }
    }

    // ---- session binding ------------------------------------------------------------------

    private void onConnect(byte[] body) {
        ConnectRequest request;
        try {
            request = ConnectRequest.read(new JuteInput(body, 0, body.length, config.maxBuffer()));
        } catch (JuteException e) {
            metrics.handshakeFailed();
            close("malformed ConnectRequest: " + e.getMessage());
            return;
        }
        long applied = node.lastApplied();
        if (request.lastZxidSeen() > applied) {
            // The client has seen a newer state than ours: it must find a more up-to-date server.
            close("client has seen zxid 0x" + Long.toHexString(request.lastZxidSeen()) + ", our last is 0x" + Long.toHexString(applied));
            return;
        }
        state = State.CONNECTING;
        int timeout = config.negotiateTimeout(request.timeOut());
        boolean accepted;
        if (request.sessionId() == 0) {
            byte[] pw = new byte[16];
            RANDOM.nextBytes(pw);
            accepted = node.createSession(timeout, pw, this, (result, zxid) -> context.runOnContext(v -> onSessionCreated(result)));
        } else {
            byte[] pw = request.passwd() == null ? new byte[0] : request.passwd();
            accepted = node.reattach(request.sessionId(), pw, this, (session, zxid) -> context.runOnContext(v -> onReattached(session)));
        }
        if (!accepted) close("server busy or stopping");
    }

    private void onSessionCreated(OpResult result) {
        if (result instanceof OpResult.SessionOpened opened) {
            if (state == State.CLOSED) {
                // The client left while its session was being created; it will expire unused.
                node.release(opened.sessionId(), this, this);
                return;
            }
            establish(opened.sessionId(), opened.timeoutMs(), opened.password());
        } else {
            close("session could not be created: " + result);
        }
    }

    private void onReattached(Session session) {
        if (state == State.CLOSED) {
            if (session != null) node.release(session.id(), this, this);
            return;
        }
        if (session == null) {
            // ZooKeeper's way of saying "expired": a zero timeout, then the connection closes.
            sendConnectResponse(new ConnectResponse(0, 0, 0, new byte[16], false));
            state = State.CLOSING;
            socket.end().onComplete(v -> close(null));
            return;
        }
        establish(session.id(), session.timeoutMs(), session.password());
    }

    private void establish(long id, int timeout, byte[] pw) {
        sessionId = id;
        timeoutMs = timeout;
        password = pw;
        state = State.ACTIVE;
        sendConnectResponse(new ConnectResponse(0, timeoutMs, sessionId, password, false));
        while (!early.isEmpty() && state == State.ACTIVE) onRequest(early.poll());
        maybeResume();
    }

    private void sendConnectResponse(ConnectResponse response) {
        JuteOutput out = new JuteOutput(64);
        int mark = out.beginFrame();
        response.write(out);
        out.endFrame(mark);
        send(Buffer.buffer(out.toByteArray()));
    }

    // ---- requests ---------------------------------------------------------------------------

    private void onRequest(byte[] body) {
        JuteInput in = new JuteInput(body, 0, body.length, config.maxBuffer());
        RequestHeader header;
        try {
            header = RequestHeader.read(in);
        } catch (JuteException e) {
            close("malformed request header: " + e.getMessage());
            return;
        }
        node.touch(sessionId);
        Request request;
        try {
            request = Request.decode(header.type(), in);
        } catch (JuteException e) {
            LOG.debug("bad request body from {} (op {}): {}", remoteAddress, header.type(), e.getMessage());
            enqueue(new Slot(header.xid(), null, Kind.LOCAL, null, authIds), Reply.error(ErrorCode.MARSHALLING_ERROR.code()));
            return;
        }
        switch (header.type()) {
            case OpCode.PING -> {
                long zxid = node.lastApplied();
                sendHeaderNow(PING_XID, zxid, 0);
                stats.replied(PING_XID, zxid, OpCode.PING, 0, System.currentTimeMillis());
                metrics.replied(OpCode.PING, false, 0, 16);
            }
            case OpCode.AUTH -> onAuth((AuthPacket) request);
            case OpCode.CLOSE_SESSION -> {
                Slot slot = new Slot(header.xid(), request, Kind.WRITE, null, authIds);
                slot.closeAfter = true;
                enqueue(slot, null);
            }
            case OpCode.WHO_AM_I -> enqueue(new Slot(header.xid(), request, Kind.LOCAL, null, authIds), Reply.ok(whoAmI()));
            // ZooKeeper without SASL configured answers OK with no token (its SASL server is null) and keeps the connection.
            case OpCode.SASL -> enqueue(new Slot(header.xid(), request, Kind.LOCAL, null, authIds), Reply.ok(new SetSASLResponse(null)));
            case OpCode.RECONFIG -> enqueue(new Slot(header.xid(), request, Kind.LOCAL, null, authIds), Reply.error(ErrorCode.RECONFIG_DISABLED.code()));
            default -> {
                Translation t = RequestTranslator.translate(request);
                if (t instanceof Translation.Write w) enqueue(new Slot(header.xid(), request, Kind.WRITE, w.op(), authIds), null);
                else if (t instanceof Translation.Read r) enqueue(new Slot(header.xid(), request, Kind.READ, r.query(), authIds), null);
                else {
                    Slot slot = new Slot(header.xid(), request, Kind.LOCAL, null, authIds);
                    // As ZooKeeper's UnimplementedRequestProcessor: an unknown opcode gets -6, then the connection goes.
                    slot.closeAfter = request instanceof UnknownRequest || header.type() == OpCode.CHECK;
                    enqueue(slot, Reply.error(((Translation.Refused) t).code().code()));
                }
            }
        }
    }

    private void onAuth(AuthPacket auth) {
        String scheme = auth.scheme() == null ? "" : auth.scheme();
        if (scheme.equals("digest") && auth.auth() != null) {
            String identity = DigestAuth.identity(new String(auth.auth(), StandardCharsets.UTF_8));
            List<AuthId> ids = new ArrayList<>(authIds);
            AuthId id = new AuthId("digest", identity);
            if (!ids.contains(id)) ids.add(id);
            if (identity.equals(config.superDigest()) && !ids.contains(AuthId.SUPER)) ids.add(AuthId.SUPER);
            authIds = List.copyOf(ids);
            sendHeaderNow(AUTH_XID, 0, 0);
        } else if (scheme.equals("ip")) {
            sendHeaderNow(AUTH_XID, 0, 0);
        } else {
            // As ZooKeeper: AuthFailed, then the connection goes.
            metrics.authFailed();
            sendHeaderNow(AUTH_XID, 0, ErrorCode.AUTH_FAILED.code());
            state = State.CLOSING;
            socket.end().onComplete(v -> close(null));
        }
    }

    private WhoAmIResponse whoAmI() {
        List<ClientInfo> infos = new ArrayList<>();
        for (AuthId id : authIds) {
            String user = switch (id.scheme()) {
                case "digest" -> DigestAuth.user(id.id());
                case "ip" -> id.id();
                default -> null;
            };
            infos.add(new ClientInfo(id.scheme(), user));
        }
        return new WhoAmIResponse(infos);
    }

    private void enqueue(Slot slot, Reply localReply) {
        slots.add(slot);
        metrics.outstanding.incrementAndGet();
        if (slot.kind == Kind.LOCAL) {
            slot.reply = localReply;
            slot.zxid = node.lastApplied();
        }
        unsubmitted.add(slot);
        if (slots.size() >= config.maxOutstanding()) pause();
        pump();
    }

    /**
     * Submits waiting requests in order. A read behind one of this session's unapplied writes rides
     * on that write (answered right after it is applied); writes after it are not held back.
     */
    private void pump() {
        while (!unsubmitted.isEmpty()) {
            Slot slot = unsubmitted.peek();
            if (slot.kind == Kind.READ && writesInFlight > 0) {
                if (lastWrite == null) return; // cannot tell which write to follow: wait for the completions
                if (attachToLastWrite(slot)) {
                    unsubmitted.poll();
                    continue;
                }
            }
            if (!submit(slot)) {
                // The core's inbox is full: back off briefly rather than queue without bound.
                if (!retryScheduled) {
                    retryScheduled = true;
                    context.owner().setTimer(1, id -> {
                        retryScheduled = false;
                        pump();
                    });
                }
                return;
            }
            unsubmitted.poll();
        }
        flush();
    }

    @SuppressWarnings("unchecked")
    private boolean attachToLastWrite(Slot read) {
        Slot write = lastWrite;
        while (true) {
            Object current = write.followers.get();
            // The write is already applied: a plain query now is ordered after it.
            if (current == CLOSED) return false;
            List<Slot> next = new ArrayList<>((List<Slot>) current);
            next.add(read);
            if (write.followers.compareAndSet(current, List.copyOf(next))) return true;
        }
    }

    /** Runs on the tree thread when a write is applied: answers the reads that waited on it, then hops home. */
    @SuppressWarnings("unchecked")
    private void writeApplied(Slot write, OpResult result, long zxid) {
        List<Slot> reads = (List<Slot>) write.followers.getAndSet(CLOSED);
        Reply writeReply = ResultTranslator.write(write.request, result);
        if (reads.isEmpty()) {
            context.runOnContext(v -> complete(write, writeReply, zxid, true));
            return;
        }
        Reply[] readReplies = new Reply[reads.size()];
        for (int i = 0; i < reads.size(); i++) {
            Slot r = reads.get(i);
            readReplies[i] = ResultTranslator.read(r.request,
                    node.answerNow(sessionId, r.ids, (dev.meerkat.core.query.Query) r.work, this));
        }
        long readZxid = node.lastApplied();
        context.runOnContext(v -> {
            for (int i = 0; i < readReplies.length; i++) {
                Slot r = reads.get(i);
                r.reply = readReplies[i];
                r.zxid = readZxid;
                r.done = true;
            }
            complete(write, writeReply, zxid, true);
        });
    }

    private boolean submit(Slot slot) {
        switch (slot.kind) {
            case LOCAL -> {
                slot.done = true;
                return true;
            }
            case READ -> {
                return node.query(sessionId, slot.ids, (dev.meerkat.core.query.Query) slot.work, this,
                        (result, zxid) -> context.runOnContext(v -> complete(slot, ResultTranslator.read(slot.request, result), zxid, false)));
            }
            default -> {
                boolean ok = slot.closeAfter
                        ? node.closeSession(sessionId, (result, zxid) -> writeApplied(slot, result, zxid))
                        : node.write(sessionId, slot.ids, (dev.meerkat.core.command.WriteOp) slot.work,
                        (result, zxid) -> writeApplied(slot, result, zxid));
                if (ok) {
                    writesInFlight++;
                    lastWrite = slot;
                }
                return ok;
            }
        }
    }

    private void complete(Slot slot, Reply reply, long zxid, boolean write) {
        slot.reply = reply;
        slot.zxid = zxid;
        slot.done = true;
        if (write) {
            writesInFlight--;
            if (lastWrite == slot) lastWrite = null;
        }
        if (state == State.CLOSED) return;
        pump();
    }

    /** Writes every finished reply at the head, in order, as one buffer. */
    private void flush() {
        if (slots.isEmpty() || !slots.peek().done || state == State.CLOSED) return;
        Buffer out = Buffer.buffer();
        JuteOutput jute = new JuteOutput(256);
        boolean closeAfter = false;
        long now = System.nanoTime();
        long nowMs = System.currentTimeMillis();
        while (!slots.isEmpty() && slots.peek().done) {
            Slot s = slots.poll();
            metrics.outstanding.decrementAndGet();
            jute.reset();
            int mark = jute.beginFrame();
            new ReplyHeader(s.xid, s.zxid, s.reply.err()).write(jute);
            if (s.reply.err() == 0 && s.reply.body() != null) s.reply.body().write(jute);
            jute.endFrame(mark);
            byte[] frame = jute.toByteArray();
            out.appendBytes(frame);
            stats.sent();
            metrics.packetsSent.increment();
            int opcode = s.request == null ? OpCode.ERROR : s.request.opcode();
            long latencyNanos = now - s.startNanos;
            stats.replied(s.xid, s.zxid, opcode, latencyNanos / 1_000_000, nowMs);
            metrics.replied(opcode, s.kind == Kind.WRITE, latencyNanos, frame.length);
            closeAfter |= s.closeAfter;
        }
        send(out);
        if (closeAfter) {
            state = State.CLOSING;
            socket.end().onComplete(v -> close(null));
            return;
        }
        maybeResume();
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
            pause();
            socket.drainHandler(v -> maybeResume());
        }
    }

    private void pause() {
        if (!paused) {
            paused = true;
            parser.pause();
        }
    }

    private void maybeResume() {
        if (paused && state != State.CLOSED && slots.size() < config.maxOutstanding() / 2 + 1
                && early.size() < config.maxOutstanding() && !socket.writeQueueFull()) {
            paused = false;
            parser.resume();
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

    void close(String reason) {
        if (state == State.CLOSED) return;
        if (reason != null) LOG.info("closing connection from {}: {}", remoteAddress, reason);
        state = State.CLOSED;
        socket.close();
    }

    private void onClosed() {
        state = State.CLOSED;
        metrics.outstanding.addAndGet(-slots.size());
        slots.clear();
        unsubmitted.clear();
        early.clear();
        server.unregister(this);
        if (sessionId != 0) node.release(sessionId, this, this);
    }
}
