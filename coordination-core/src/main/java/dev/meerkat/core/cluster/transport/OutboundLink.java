package dev.meerkat.core.cluster.transport;

import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.PeerListener;
import dev.meerkat.core.cluster.ServerSpec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This server's connection to one peer, used only to send to it (the peer sends back on its own
 * connection to us; here it only answers hello and pings). Confined to one event-loop context.
 * Frames queued by any thread are written in batches, one write per event-loop turn; the queue is
 * bounded in bytes. While the link is down nothing is queued: stale Raft messages would only be
 * resent later anyway.
 */
final class OutboundLink {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundLink.class);
    private static final int WRITE_CHUNK = 256 << 10;

    private final Vertx vertx;
    private final Context context;
    private final NetClient client;
    private final ClusterConfig cluster;
    private final ServerSpec peer;
    private final PeerListener listener;
    private final TransportConfig config;

    private final ConcurrentLinkedQueue<Buffer> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private volatile boolean ready;
    private volatile boolean closed;

    // Context only.
    private NetSocket socket;
    private int failedAttempts;
    private long lastHeardNanos;
    private long pingTimer = -1;
    private boolean mismatchReported;

    OutboundLink(Vertx vertx, NetClient client, ClusterConfig cluster, ServerSpec peer, PeerListener listener, TransportConfig config) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.client = client;
        this.cluster = cluster;
        this.peer = peer;
        this.listener = listener;
        this.config = config;
    }

    void start() {
        context.runOnContext(v -> {
            pingTimer = vertx.setPeriodic(config.pingIntervalMs(), id -> ping());
            connect();
        });
    }

    ServerSpec peer() {
        return peer;
    }

    boolean isReady() {
        return ready;
    }

    /** Any thread. False when the link is down or its queue is full. */
    boolean send(byte type, byte[] payload) {
        if (!ready) return false;
        int size = payload.length + 5;
        if (queuedBytes.get() + size > config.maxQueuedBytes()) return false;
        queue.add(Frames.frame(type, payload));
        queuedBytes.addAndGet(size);
        if (flushScheduled.compareAndSet(false, true)) context.runOnContext(v -> flush());
        return true;
    }

    private void flush() {
        flushScheduled.set(false);
        NetSocket s = socket;
        if (s == null || !ready) {
            discardQueue();
            return;
        }
        if (s.writeQueueFull()) return; // the drain handler flushes again
        Buffer out = Buffer.buffer(Math.min(WRITE_CHUNK, (int) Math.max(64, queuedBytes.get())));
        for (Buffer b; (b = queue.poll()) != null; ) {
            out.appendBuffer(b);
            queuedBytes.addAndGet(-b.length());
            if (out.length() >= WRITE_CHUNK) {
                s.write(out);
                out = Buffer.buffer(WRITE_CHUNK);
                if (s.writeQueueFull()) {
                    // The peer reads slower than we produce: keep the rest queued (bounded) until it drains.
                    s.drainHandler(v -> flush());
                    return;
                }
            }
        }
        if (out.length() > 0) s.write(out);
    }

    private void discardQueue() {
        for (Buffer b; (b = queue.poll()) != null; ) queuedBytes.addAndGet(-b.length());
    }

    private void connect() {
        if (closed) return;
        client.connect(peer.peerPort(), peer.host()).onComplete(ar -> {
            if (closed) {
                if (ar.succeeded()) ar.result().close();
                return;
            }
            if (ar.failed()) {
                Throwable cause = ar.cause();
                if (meansNobodyThere(cause)) listener.onUnreachable(peer.id());
                if (failedAttempts++ == 0) LOG.info("cannot reach server {} at {}:{} yet: {}", peer.id(), peer.host(), peer.peerPort(), cause.getMessage());
                reconnectLater();
                return;
            }
            handshake(ar.result());
        });
    }

    private void handshake(NetSocket s) {
        socket = s;
        lastHeardNanos = System.nanoTime();
        Frames.read(s, frame -> onFrame(s, frame), violation -> {
            LOG.warn("server {} sent a bad frame ({}); closing the link", peer.id(), violation);
            s.close();
        });
        s.closeHandler(v -> onClosed(s));
        s.exceptionHandler(e -> LOG.debug("link to server {}: {}", peer.id(), e.toString()));
        Hello hello = new Hello(Hello.VERSION, cluster.myId(), peer.id(), cluster.quorumFingerprint(), cluster.quorumShape());
        s.write(Frames.frame(Frames.HELLO, hello.encode()));
        vertx.setTimer(config.handshakeTimeoutMs(), id -> {
            if (socket == s && !ready) {
                LOG.warn("server {} did not answer hello within {} ms; closing the link", peer.id(), config.handshakeTimeoutMs());
                s.close();
            }
        });
    }

    private void onFrame(NetSocket s, Frames.Frame frame) {
        if (socket != s) return;
        lastHeardNanos = System.nanoTime();
        switch (frame.type()) {
            case Frames.HELLO_OK -> {
                if (failedAttempts > 0 || !mismatchReported) LOG.info("link to server {} at {}:{} is up", peer.id(), peer.host(), peer.peerPort());
                failedAttempts = 0;
                mismatchReported = false;
                ready = true;
                flush();
            }
            case Frames.HELLO_REFUSED -> {
                Buffer p = frame.payload();
                Hello.Refusal reason = Hello.Refusal.of(p.getInt(0));
                int len = Math.max(0, Math.min(p.getInt(4), p.length() - 8));
                String detail = p.getString(8, 8 + len, StandardCharsets.UTF_8.name());
                if (!mismatchReported) {
                    LOG.error("server {} at {}:{} refused this server's link: {} ({})", peer.id(), peer.host(), peer.peerPort(), reason, detail);
                    mismatchReported = true;
                }
                // A CONFIG_MISMATCH refusal's detail is the refusing server's list (InboundLink).
                if (reason == Hello.Refusal.CONFIG_MISMATCH || reason == Hello.Refusal.WRONG_SERVER) listener.onConfigMismatch(peer.id(), detail);
                failedAttempts = Math.max(failedAttempts, 8); // no point in hurrying back
                s.close();
            }
            case Frames.PONG -> {
                // lastHeardNanos is all a pong is for.
            }
            default -> {
                LOG.warn("server {} sent frame type {} on our outbound link; closing it", peer.id(), frame.type());
                s.close();
            }
        }
    }

    private void ping() {
        NetSocket s = socket;
        if (s == null || !ready) return;
        if (System.nanoTime() - lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(config.deadAfterMs())) {
            LOG.warn("no answer from server {} for {} ms; re-making the link", peer.id(), config.deadAfterMs());
            s.close();
            return;
        }
        send(Frames.PING, new byte[0]);
    }

    /** Refused, or reset before a word was said: nothing listens there (as when the peer's process died). */
    private static boolean meansNobodyThere(Throwable cause) {
        if (cause instanceof ConnectException) return true;
        String message = cause.getMessage();
        return cause instanceof java.io.IOException && message != null && message.contains("reset");
    }

    private void onClosed(NetSocket s) {
        if (socket != s) return;
        boolean wasReady = ready;
        if (!wasReady) listener.onUnreachable(peer.id()); // closed before hello was answered
        ready = false;
        socket = null;
        discardQueue();
        if (wasReady) {
            LOG.info("link to server {} went down", peer.id());
            listener.onLinkReset(peer.id());
        }
        // Reconnect at once: if the peer's process is gone, the refusal says so within a millisecond.
        if (wasReady) failedAttempts = 0;
        reconnectLater();
    }

    private void reconnectLater() {
        if (closed) return;
        long delayMs = failedAttempts <= 1 ? 10 : Math.min(config.maxBackoffMs(), 10L << Math.min(failedAttempts, 10));
        delayMs += ThreadLocalRandom.current().nextLong(1 + delayMs / 4);
        vertx.setTimer(delayMs, id -> connect());
    }

    void close() {
        closed = true;
        ready = false;
        context.runOnContext(v -> {
            if (pingTimer >= 0) vertx.cancelTimer(pingTimer);
            if (socket != null) socket.close();
            discardQueue();
        });
    }
}
