package dev.meerkat.wire.server;

import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.node.SessionOwner;
import dev.meerkat.core.state.Session;
import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.ConnectResponse;
import dev.meerkat.wire.transport.EventLoop;

import java.security.SecureRandom;

/**
 * A connection's ConnectRequest, and the session it binds to: a new one, or an existing one
 * re-attached with its id and password. Refuses a client that has seen a newer state than this
 * server (it must find a more up-to-date one) and any client while this server has no quorum.
 * On the connection's event loop; the node answers on its tree thread and we hop back.
 */
final class SessionBinding {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Seeds the session passwords' generator (a cold JVM's first SecureRandom takes a while): before the first client. */
    static void prepare() {
        RANDOM.nextInt();
    }

    /** What binding needs of its connection. */
    interface Connection {
        SessionOwner owner();

        dev.meerkat.core.watch.Watcher watcher();

        void sendConnectResponse(ConnectResponse response);

        /** The session is bound: serve requests. */
        void established();

        /** The session is bound on a server in read-only mode: reads only. Before {@link #established()}. */
        void readOnly();

        /** ZooKeeper's "expired": a zero timeout was answered; end the connection. */
        void endExpired();

        void refuse(String reason);

        /** A ConnectRequest that could not be read (counted, as ZooKeeper's unsuccessful handshakes). */
        void handshakeFailed();

        boolean isClosed();
    }

    private final Connection connection;
    private final EventLoop loop;
    private final Node node;
    private final WireConfig config;
    private long sessionId;
    private int timeoutMs;
    private byte[] password;

    SessionBinding(Connection connection, EventLoop loop, Node node, WireConfig config) {
        this.connection = connection;
        this.loop = loop;
        this.node = node;
        this.config = config;
    }

    long sessionId() {
        return sessionId;
    }

    int timeoutMs() {
        return timeoutMs;
    }

    /** Handles the first frame; false when the connection was refused. */
    boolean onConnect(byte[] body) {
        ConnectRequest request;
        try {
            request = ConnectRequest.read(new JuteInput(body, 0, body.length, config.maxBuffer()));
        } catch (JuteException e) {
            connection.handshakeFailed();
            connection.refuse("malformed ConnectRequest: " + e.getMessage());
            return false;
        }
        if (!node.isServing()) {
            if (request.readOnly() && node.isReadOnly()) return bindReadOnly(request);
            // No quorum here (or not yet): the client tries the next server of its connect string.
            connection.refuse(node.isReadOnly() ? "this server is read-only (no quorum) and the client does not accept that"
                    : "this server is not serving: it has no quorum");
            return false;
        }
        long applied = node.lastApplied();
        if (request.lastZxidSeen() > applied) {
            // The client has seen a newer state than ours: it must find a more up-to-date server.
            connection.refuse("client has seen zxid 0x" + Long.toHexString(request.lastZxidSeen()) + ", our last is 0x" + Long.toHexString(applied));
            return false;
        }
        int timeout = config.negotiateTimeout(request.timeOut());
        boolean accepted;
        if (request.sessionId() == 0) {
            byte[] pw = new byte[16];
            RANDOM.nextBytes(pw);
            accepted = node.createSession(timeout, pw, connection.owner(), (result, zxid) -> loop.execute(() -> onSessionCreated(result)));
        } else {
            byte[] pw = request.passwd() == null ? new byte[0] : request.passwd();
            accepted = node.reattach(request.sessionId(), pw, connection.owner(), (result, zxid) -> loop.execute(() -> onReattached(result)));
        }
        if (!accepted) connection.refuse("server busy or stopping");
        return accepted;
    }

    /**
     * ZooKeeper's read-only server: a client new to the ensemble gets a session of this server's
     * own, never written to the log (it sends session id 0 again once it finds a read-write
     * server); a client with a session re-attaches to it as this server's state knows it.
     */
    private boolean bindReadOnly(ConnectRequest request) {
        long applied = node.lastApplied();
        if (request.lastZxidSeen() > applied) {
            connection.refuse("client has seen zxid 0x" + Long.toHexString(request.lastZxidSeen()) + ", our last is 0x" + Long.toHexString(applied));
            return false;
        }
        int timeout = config.negotiateTimeout(request.timeOut());
        if (request.sessionId() == 0) {
            byte[] pw = new byte[16];
            RANDOM.nextBytes(pw);
            connection.readOnly();
            establish(localSessionId(), timeout, pw, true);
            return true;
        }
        byte[] pw = request.passwd() == null ? new byte[0] : request.passwd();
        boolean offered = node.peekSession(request.sessionId(), pw, (session, zxid) -> loop.execute(() -> {
            if (connection.isClosed()) return;
            if (session == null) {
                connection.sendConnectResponse(new ConnectResponse(0, 0, 0, new byte[16], true));
                connection.endExpired();
                return;
            }
            connection.readOnly();
            establish(session.id(), timeout, session.password(), true);
        }));
        if (!offered) connection.refuse("server busy or stopping");
        return offered;
    }

    /** As ZooKeeper numbers a server's own sessions: its id in the top byte, then the clock and a counter. */
    private long localSessionId() {
        long id = (node.serverId() << 56) | ((System.currentTimeMillis() << 24) >>> 8) | (LOCAL_COUNTER.incrementAndGet() & 0xffffff);
        return id == 0 ? 1 : id;
    }

    private static final java.util.concurrent.atomic.AtomicLong LOCAL_COUNTER = new java.util.concurrent.atomic.AtomicLong();

    private void onSessionCreated(OpResult result) {
        if (result instanceof OpResult.SessionOpened opened) {
            if (connection.isClosed()) {
                // The client left while its session was being created; it will expire unused.
                node.release(opened.sessionId(), connection.owner(), connection.watcher());
                return;
            }
            establish(opened.sessionId(), opened.timeoutMs(), opened.password());
        } else {
            connection.refuse("session could not be created: " + result);
        }
    }

    private void onReattached(OpResult result) {
        if (result instanceof OpResult.SessionAttached a) {
            Session session = a.session();
            if (connection.isClosed()) {
                node.release(session.id(), connection.owner(), connection.watcher());
                return;
            }
            establish(session.id(), session.timeoutMs(), session.password());
            return;
        }
        if (connection.isClosed()) return;
        if (result instanceof OpResult.Error e && e.code() == dev.meerkat.core.api.ErrorCode.SESSION_EXPIRED) {
            // ZooKeeper's way of saying "expired": a zero timeout, then the connection closes.
            connection.sendConnectResponse(new ConnectResponse(0, 0, 0, new byte[16], false));
            connection.endExpired();
            return;
        }
        // Not known now (the attach could not reach the log): the session lives on; the client tries again.
        connection.refuse("cannot re-attach the session now (" + result + "); the client will try again");
    }

    private void establish(long id, int timeout, byte[] pw) {
        establish(id, timeout, pw, false);
    }

    private void establish(long id, int timeout, byte[] pw, boolean readOnly) {
        sessionId = id;
        timeoutMs = timeout;
        password = pw;
        connection.sendConnectResponse(new ConnectResponse(0, timeoutMs, sessionId, password, readOnly));
        connection.established();
    }
}
