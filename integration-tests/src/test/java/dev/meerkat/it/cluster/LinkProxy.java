package dev.meerkat.it.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay with a stable port (bound to port 0, read back) in front of a server whose real port
 * changes across restarts. A test can cut it (every relayed connection dropped, new ones refused,
 * as a network partition or a dead host looks to the other side) and heal it. One proxy per
 * direction of a peer link, so that partitions can be one-way.
 */
final class LinkProxy implements AutoCloseable {
    private final String name;
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile int targetPort = -1;
    private volatile boolean cut;
    /** Bytes are swallowed, nothing is refused: what a real partition looks like (no reset, just silence). */
    private volatile boolean blackhole;
    /** Added to every forwarded chunk, in milliseconds. */
    private volatile long delayMs;
    private volatile boolean closed;

    LinkProxy(String name) throws IOException {
        this.name = name;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Where connections go from now on (-1: nowhere; they are refused). */
    void target(int port) {
        targetPort = port;
    }

    /** Drops every relayed connection and refuses new ones until {@link #heal()}. */
    void cut() {
        cut = true;
        dropAll();
    }

    /** From now on nothing gets through, and nothing says so: connections stay open, silent. */
    void blackhole() {
        blackhole = true;
    }

    /** Every chunk of bytes waits this long before it is forwarded (0: none). */
    void delay(long ms) {
        delayMs = ms;
    }

    void heal() {
        cut = false;
        if (blackhole) {
            blackhole = false;
            // A connection that lost bytes in the middle cannot carry on, as TCP would have timed it out.
            dropAll();
        }
    }

    boolean isCut() {
        return cut;
    }

    void dropAll() {
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) return;
                continue;
            }
            int target = targetPort;
            if (cut || target < 0) {
                // Reset rather than FIN: the connecting side sees a refused connection, as with a dead host's port.
                try {
                    client.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // closing anyway
                }
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                try {
                    client.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // closing anyway
                }
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (cut) break;
                    if (blackhole) continue;
                    long delay = delayMs;
                    if (delay > 0) java.util.concurrent.locks.LockSupport.parkNanos(delay * 1_000_000L); // emulated latency
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // cut or closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "proxy-" + name + "-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        dropAll();
    }

    @Override
    public String toString() {
        return "proxy " + name + " :" + port() + " -> " + targetPort + (cut ? " (cut)" : "");
    }
}
