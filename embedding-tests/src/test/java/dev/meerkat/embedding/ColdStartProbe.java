package dev.meerkat.embedding;

import dev.meerkat.server.Meerkat;
import org.apache.curator.test.TestingServer;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One cold start in a fresh JVM, for {@link EmbeddedStartBenchmark}: the first embedded server of
 * this JVM, from the call until a client is answered ({@code ruok}). Logging is set up before the
 * clock starts, as it is in a test JVM by the time a test class starts its server.
 */
public final class ColdStartProbe {
    public static void main(String[] args) throws Exception {
        org.slf4j.LoggerFactory.getLogger(ColdStartProbe.class).debug("logging is up");
        if (args[0].equals("nio")) {
            bareNio();
            return;
        }
        boolean meerkat = args[0].equals("meerkat");
        long t0 = System.nanoTime();
        AutoCloseable server;
        int port;
        if (meerkat) {
            Meerkat m = Meerkat.embedded();
            server = m;
            port = m.port();
        } else {
            TestingServer t = new TestingServer(true);
            server = t;
            port = t.getPort();
        }
        String answer = ruok(port);
        long t1 = System.nanoTime();
        server.close();
        if (!answer.equals("imok")) throw new AssertionError("ruok answered " + answer);
        System.out.println("COLD_MS=" + (t1 - t0) / 1e6);
    }

    /**
     * The floor under any server of this JVM: a bare JDK NIO server (a selector thread, as
     * Meerkat's plain client port) answering one request.
     */
    private static void bareNio() throws Exception {
        long t0 = System.nanoTime();
        java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open();
        server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        server.configureBlocking(false);
        java.nio.channels.Selector selector = java.nio.channels.Selector.open();
        server.register(selector, java.nio.channels.SelectionKey.OP_ACCEPT);
        Thread loop = new Thread(() -> {
            try {
                while (selector.isOpen()) {
                    selector.select();
                    for (java.nio.channels.SelectionKey k : selector.selectedKeys()) {
                        if (k.isAcceptable()) {
                            java.nio.channels.SocketChannel c = server.accept();
                            if (c == null) continue;
                            c.configureBlocking(false);
                            c.register(selector, java.nio.channels.SelectionKey.OP_READ);
                        } else if (k.isReadable()) {
                            java.nio.channels.SocketChannel c = (java.nio.channels.SocketChannel) k.channel();
                            c.read(java.nio.ByteBuffer.allocate(4));
                            c.write(java.nio.ByteBuffer.wrap("imok".getBytes(StandardCharsets.US_ASCII)));
                            c.close();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (Exception e) {
                // Closed.
            }
        }, "bare-nio");
        loop.setDaemon(true);
        loop.start();
        String answer = ruok(((java.net.InetSocketAddress) server.getLocalAddress()).getPort());
        long t1 = System.nanoTime();
        server.close();
        if (!answer.equals("imok")) throw new AssertionError("answered " + answer);
        System.out.println("COLD_MS=" + (t1 - t0) / 1e6);
    }

    static String ruok(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("ruok".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
