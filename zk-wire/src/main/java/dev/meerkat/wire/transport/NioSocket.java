package dev.meerkat.wire.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * A plain TCP client socket on an {@link NioLoop}. A write goes straight to the kernel when
 * nothing waits before it; what the kernel does not take waits in a queue (written with gathering
 * writes when the socket is writable again). Above {@link #HIGH_WATER_BYTES} the queue is full, and
 * {@link SocketListener#drained()} follows once it is back under {@link #LOW_WATER_BYTES}: the same
 * marks as Netty's defaults, so a slow client holds about as much here as it did there.
 */
final class NioSocket implements ClientSocket, NioLoop.Ready {
    private static final Logger LOG = LoggerFactory.getLogger(NioSocket.class);
    static final int HIGH_WATER_BYTES = 64 << 10;
    static final int LOW_WATER_BYTES = 32 << 10;
    private static final int READ_BUFFER_BYTES = 64 << 10;
    /** Reads per readiness: a busy client does not keep the loop from its other sockets. */
    private static final int READS_PER_TURN = 4;
    private static final int BUFFERS_PER_WRITE = 64;

    private final NioLoop loop;
    private final SocketChannel channel;
    private final String remoteHost;
    private final int remotePort;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[BUFFERS_PER_WRITE];
    private SelectionKey key;
    private SocketListener listener;
    private long queuedBytes;
    private long lastProgressNanos = System.nanoTime();
    private boolean full;
    private boolean readingPaused;
    private boolean inputEnded;
    private boolean closingAfterWrites;
    private boolean closed;

    NioSocket(NioLoop loop, SocketChannel channel) {
        this.loop = loop;
        this.channel = channel;
        InetSocketAddress remote = null;
        try {
            remote = (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException | RuntimeException e) {
            // Already gone: the first read says so.
        }
        this.remoteHost = remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
        this.remotePort = remote == null ? 0 : remote.getPort();
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
    public void start(SocketListener listener) {
        loop.assertInLoop();
        if (this.listener != null) throw new IllegalStateException("a socket is started once");
        this.listener = listener;
        try {
            key = loop.register(channel, SelectionKey.OP_READ, this);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot register the connection from {}: {}", remoteHost, e.toString());
            close();
        }
    }

    @Override
    public void ready(SelectionKey k) {
        if (k.isReadable()) read();
        if (!closed && k.isValid() && k.isWritable()) flush();
    }

    private void read() {
        ByteBuffer buffer = loop.readBuffer(READ_BUFFER_BYTES);
        for (int i = 0; i < READS_PER_TURN && !readingPaused && !inputEnded && !closed; i++) {
            int n;
            try {
                buffer.clear();
                n = channel.read(buffer);
            } catch (IOException e) {
                LOG.debug("connection {} read error: {}", remoteHost, e.toString());
                close();
                return;
            }
            if (n < 0) {
                inputEnded = true;
                updateInterest();
                listener.inputEnded();
                return;
            }
            if (n == 0) return;
            listener.received(buffer.array(), 0, n);
            if (n < buffer.capacity()) return;
        }
    }

    @Override
    public void write(byte[] bytes) {
        loop.assertInLoop();
        if (closed || closingAfterWrites || bytes.length == 0) return;
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (queue.isEmpty()) {
            try {
                channel.write(b);
            } catch (IOException e) {
                LOG.debug("connection {} write error: {}", remoteHost, e.toString());
                close();
                return;
            }
            if (!b.hasRemaining()) {
                lastProgressNanos = System.nanoTime();
                return;
            }
            if (b.position() > 0) lastProgressNanos = System.nanoTime();
        }
        queue.add(b);
        queuedBytes += b.remaining();
        if (queuedBytes >= HIGH_WATER_BYTES) full = true;
        if (queue.size() == 1) updateInterest();
    }

    private void flush() {
        long before = queuedBytes;
        long written = 0;
        try {
            while (!queue.isEmpty()) {
                int n = 0;
                long offered = 0;
                for (ByteBuffer b : queue) {
                    gather[n++] = b;
                    offered += b.remaining();
                    if (n == BUFFERS_PER_WRITE) break;
                }
                long w = channel.write(gather, 0, n);
                written += w;
                queuedBytes -= w;
                while (!queue.isEmpty() && !queue.peek().hasRemaining()) queue.poll();
                // The kernel took less than offered: its buffer is full until the next readiness.
                if (w < offered) break;
            }
        } catch (IOException e) {
            LOG.debug("connection {} write error: {}", remoteHost, e.toString());
            close();
            return;
        } finally {
            java.util.Arrays.fill(gather, null);
        }
        if (written > 0) lastProgressNanos = System.nanoTime();
        if (queue.isEmpty()) {
            updateInterest();
            if (closingAfterWrites) {
                close();
                return;
            }
        }
        if (written > 0) listener.wrote(before);
        if (full && queuedBytes <= LOW_WATER_BYTES && !closed) {
            full = false;
            listener.drained();
        }
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
        return full;
    }

    @Override
    public void pauseReading() {
        if (readingPaused) return;
        readingPaused = true;
        updateInterest();
    }

    @Override
    public void resumeReading() {
        if (!readingPaused) return;
        readingPaused = false;
        updateInterest();
    }

    @Override
    public void closeAfterWrites() {
        if (closed) return;
        closingAfterWrites = true;
        if (queue.isEmpty()) close();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (key != null) key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // Closed anyway.
        }
        queue.clear();
        queuedBytes = 0;
        SocketListener l = listener;
        // As Vert.x's close handler: after the caller's own work, never inside it.
        if (l != null) loop.execute(l::closed);
    }

    private void updateInterest() {
        if (key == null || !key.isValid()) return;
        int ops = (readingPaused || inputEnded ? 0 : SelectionKey.OP_READ) | (queue.isEmpty() ? 0 : SelectionKey.OP_WRITE);
        if (key.interestOps() != ops) key.interestOps(ops);
    }
}
