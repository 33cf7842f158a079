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
 * A plain TCP client socket on an {@link NioLoop}. Writes wait in a queue until the end of the
 * loop's turn (or until {@link #FLUSH_NOW_BYTES} are queued) and then leave together, copied into
 * the loop's direct buffer, in one system call; what the kernel does not take waits until the
 * socket is writable again. Above {@link #HIGH_WATER_BYTES} the queue is full, and
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
    /** Written at once rather than at the end of the loop's turn: enough to be worth a system call of its own. */
    static final int FLUSH_NOW_BYTES = 32 << 10;
    private static final int WRITE_BUFFER_BYTES = 256 << 10;

    private final NioLoop loop;
    private final SocketChannel channel;
    private final String remoteHost;
    private final int remotePort;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private SelectionKey key;
    private SocketListener listener;
    private long queuedBytes;
    private long lastProgressNanos = System.nanoTime();
    private boolean full;
    /** The kernel refused bytes: nothing is written until the selector says the socket is writable. */
    private boolean waitingForWritable;
    private boolean flushScheduled;
    /** Bytes queued before a write that {@link #write} made itself, not yet told to the listener (-1: none). */
    private long wroteBeforeBytes = -1;
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
        if (!closed && k.isValid() && k.isWritable()) flush(true);
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
        // Nothing owed until now: the client's silence is measured from here, not from its last read.
        if (queue.isEmpty()) lastProgressNanos = System.nanoTime();
        queue.add(ByteBuffer.wrap(bytes));
        queuedBytes += bytes.length;
        if (!waitingForWritable) {
            if (queuedBytes >= FLUSH_NOW_BYTES) {
                // Much to send: the kernel takes it now, so that what waits here is only what it refused.
                // The listener hears of it at the end of the turn, not from inside its own write.
                flush(false);
                if (owesCallbacks()) scheduleFlush();
            } else {
                // The replies of one turn of the loop leave in one system call, at its end.
                scheduleFlush();
            }
        }
        if (queuedBytes >= HIGH_WATER_BYTES) full = true;
    }

    private void scheduleFlush() {
        if (flushScheduled || closed) return;
        flushScheduled = true;
        loop.flushAtEndOfTurn(this);
    }

    private boolean owesCallbacks() {
        return wroteBeforeBytes >= 0 || (full && queuedBytes <= LOW_WATER_BYTES);
    }

    /** The loop's end of a turn: what was written during it goes to the kernel. */
    void flushScheduled() {
        flushScheduled = false;
        if (!closed && !waitingForWritable) flush(true);
    }

    /**
     * Writes what is queued, as much as the kernel takes. {@code notify}: tell the listener what
     * changed (false from inside {@link #write}, whose caller is the listener itself; it then hears
     * at the end of the turn).
     */
    private void flush(boolean notify) {
        long before = wroteBeforeBytes >= 0 ? wroteBeforeBytes : queuedBytes;
        long written = 0;
        boolean refused = false;
        if (!queue.isEmpty()) {
            ByteBuffer out = loop.writeBuffer(WRITE_BUFFER_BYTES);
            try {
                while (!queue.isEmpty()) {
                    // Copied into the loop's direct buffer: one system call for many replies, and no
                    // temporary direct buffer of the JDK's per heap buffer.
                    out.clear();
                    for (ByteBuffer b : queue) {
                        int n = Math.min(b.remaining(), out.remaining());
                        out.put(b.array(), b.arrayOffset() + b.position(), n);
                        if (!out.hasRemaining()) break;
                    }
                    out.flip();
                    int offered = out.remaining();
                    int w = channel.write(out);
                    written += w;
                    queuedBytes -= w;
                    for (int left = w; left > 0; ) {
                        ByteBuffer b = queue.peek();
                        int r = b.remaining();
                        if (r <= left) {
                            queue.poll();
                            left -= r;
                        } else {
                            b.position(b.position() + left);
                            left = 0;
                        }
                    }
                    // The kernel took less than offered: its buffer is full until the next readiness.
                    if (w < offered) {
                        refused = true;
                        break;
                    }
                }
            } catch (IOException e) {
                LOG.debug("connection {} write error: {}", remoteHost, e.toString());
                close();
                return;
            }
        }
        if (written > 0) lastProgressNanos = System.nanoTime();
        if (refused != waitingForWritable) {
            waitingForWritable = refused;
            updateInterest();
        }
        if (queue.isEmpty() && closingAfterWrites) {
            close();
            return;
        }
        if (!notify) {
            if (written > 0 && wroteBeforeBytes < 0) wroteBeforeBytes = before;
            return;
        }
        boolean wrote = written > 0 || wroteBeforeBytes >= 0;
        wroteBeforeBytes = -1;
        if (wrote) listener.wrote(before);
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
        int ops = (readingPaused || inputEnded ? 0 : SelectionKey.OP_READ) | (waitingForWritable ? SelectionKey.OP_WRITE : 0);
        if (key.interestOps() != ops) key.interestOps(ops);
    }
}
