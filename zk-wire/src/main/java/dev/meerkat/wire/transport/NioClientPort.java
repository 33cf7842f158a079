package dev.meerkat.wire.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A plain TCP port served by a few {@link NioLoop}s: the first loop accepts, and each accepted
 * socket goes to the next loop in turn, where it stays. Connections spread across cores as with
 * one Vert.x listener per event loop.
 */
public final class NioClientPort {
    private static final Logger LOG = LoggerFactory.getLogger(NioClientPort.class);
    /** Pending connections the kernel keeps for us: a burst of reconnecting clients (a Kafka cluster) fits. */
    private static final int BACKLOG = 1024;

    private final List<NioLoop> loops;
    private final ServerSocketChannel server;
    private volatile Consumer<ClientSocket> onConnect;
    private int next;

    private NioClientPort(List<NioLoop> loops, ServerSocketChannel server) {
        this.loops = loops;
        this.server = server;
    }

    /**
     * Binds {@code host:port} ({@code null} or 0.0.0.0: every address; port 0: a free one) and
     * starts {@code loopCount} loops named {@code name-N}. {@code onConnect} runs on the loop a new
     * socket belongs to; it must {@link ClientSocket#start start} it.
     */
    public static CompletableFuture<NioClientPort> open(String host, int port, int loopCount, String name, Consumer<ClientSocket> onConnect) {
        NioClientPort p;
        try {
            p = bind(host, port, loopCount, name);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return p.accept(onConnect).thenApply(v -> p);
    }

    /**
     * Binds the port and starts the loops, accepting nobody yet: until {@link #accept}, clients
     * that connect wait in the kernel's backlog. Lets a server bind while the rest of it starts.
     */
    public static NioClientPort bind(String host, int port, int loopCount, String name) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            InetSocketAddress address = host == null || host.equals("0.0.0.0") ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
            channel.bind(address, BACKLOG);
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
        List<NioLoop> loops = new ArrayList<>();
        for (int i = 0; i < Math.max(1, loopCount); i++) loops.add(new NioLoop(name + "-" + i));
        return new NioClientPort(loops, channel);
    }

    /** Starts accepting: each new socket goes to {@code handler} on its loop. Once. */
    public CompletableFuture<Void> accept(Consumer<ClientSocket> handler) {
        if (onConnect != null) throw new IllegalStateException("the port already accepts");
        onConnect = handler;
        CompletableFuture<Void> registered = new CompletableFuture<>();
        NioLoop acceptor = loops.get(0);
        acceptor.execute(() -> {
            try {
                acceptor.register(server, SelectionKey.OP_ACCEPT, k -> accept());
                registered.complete(null);
            } catch (IOException | RuntimeException e) {
                registered.completeExceptionally(e);
            }
        });
        return registered.whenComplete((ok, e) -> {
            if (e != null) close();
        });
    }

    /** Whether {@link #accept} was called: the port then belongs to whoever accepts. */
    public boolean accepting() {
        return onConnect != null;
    }

    /** The bound port (the free one chosen for port 0). */
    public int port() {
        return server.socket().getLocalPort();
    }

    /** The loops the connections run on, for work that must run on each (one task per loop). */
    public List<EventLoop> loops() {
        return List.copyOf(loops);
    }

    private void accept() {
        Consumer<ClientSocket> handler = onConnect;
        while (true) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                // Out of file descriptors, say: the others go on, and the next readiness retries.
                LOG.warn("cannot accept a client connection: {}", e.toString());
                return;
            }
            if (c == null) return;
            NioLoop loop = loops.get(next++ % loops.size());
            try {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                closeQuietly(c);
                continue;
            }
            loop.execute(() -> {
                NioSocket s = new NioSocket(loop, c);
                try {
                    handler.accept(s);
                } catch (RuntimeException e) {
                    LOG.error("cannot take a connection from {}", s.remoteHost(), e);
                    s.close();
                }
            });
        }
    }

    /**
     * Stops accepting, then ends the loops once the tasks queued on them so far have run: close
     * the connections first (a task on each loop) for them to go with a reason.
     */
    public CompletableFuture<Void> close() {
        closeQuietly(server);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (NioLoop l : loops) all.add(l.stop());
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
