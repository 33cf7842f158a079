package dev.meerkat.wire.transport;

import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x {@link NetSocket} as a {@link ClientSocket}: the TLS client port's connections, whose
 * encryption Netty does. Queued bytes are counted from Vert.x's write completions.
 */
public final class VertxClientSocket implements ClientSocket {
    private static final Logger LOG = LoggerFactory.getLogger(VertxClientSocket.class);

    private final NetSocket socket;
    private final VertxEventLoop loop;
    private final String remoteHost;
    private final int remotePort;
    private SocketListener listener;
    private long queuedBytes;
    private long lastProgressNanos = System.nanoTime();

    public VertxClientSocket(NetSocket socket, Context context) {
        this.socket = socket;
        this.loop = new VertxEventLoop(context);
        this.remoteHost = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
        this.remotePort = socket.remoteAddress() == null ? 0 : socket.remoteAddress().port();
        // nc -q1, nc -N and ZooKeeper's FourLetterWordMain shut their sending side right after a
        // four-letter word. Netty would close the whole socket on that end of input; with half
        // closure the answer still goes out, and the connection decides to close other sockets.
        if (socket instanceof NetSocketInternal internal) {
            internal.channelHandlerContext().channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public String remoteHost() {
        return remoteHost;
    }

    @Override
    public int remotePort() {
        return remotePort;
    }

    @Override
    public void start(SocketListener l) {
        if (listener != null) throw new IllegalStateException("a socket is started once");
        listener = l;
        socket.handler(buffer -> {
            byte[] bytes = buffer.getBytes();
            l.received(bytes, 0, bytes.length);
        });
        socket.closeHandler(v -> l.closed());
        if (socket instanceof NetSocketInternal internal) {
            internal.eventHandler(event -> {
                if (event instanceof ChannelInputShutdownEvent) l.inputEnded();
            });
        }
        socket.exceptionHandler(e -> LOG.debug("connection {} error: {}", remoteHost, e.toString()));
        socket.drainHandler(v -> l.drained());
    }

    @Override
    public void write(byte[] bytes) {
        int length = bytes.length;
        queuedBytes += length;
        socket.write(Buffer.buffer(bytes)).onComplete(ar -> {
            long before = queuedBytes;
            queuedBytes -= length;
            lastProgressNanos = System.nanoTime();
            listener.wrote(before);
        });
    }

    @Override
    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public long lastProgressNanos() {
        return lastProgressNanos;
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public void pauseReading() {
        socket.pause();
    }

    @Override
    public void resumeReading() {
        socket.resume();
    }

    @Override
    public void closeAfterWrites() {
        socket.end().onComplete(v -> socket.close());
    }

    @Override
    public void close() {
        socket.close();
    }
}
