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
        if (args[0].equals("vertx")) {
            bareVertx();
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
     * The floor under any Vert.x server: a bare Vert.x 5 NetServer answering one request, set up as
     * Meerkat sets its own up (no DNS client, no file cache, no Netty JFR events).
     */
    private static void bareVertx() throws Exception {
        System.setProperty("vertx.disableDnsResolver", "true");
        System.setProperty("io.netty.jfr.enabled", "false");
        long t0 = System.nanoTime();
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(2)
                .setWorkerPoolSize(2).setInternalBlockingPoolSize(2)
                .setFileSystemOptions(new io.vertx.core.file.FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        io.vertx.core.net.NetServer server = vertx.createNetServer(new io.vertx.core.net.NetServerOptions().setTcpNoDelay(true));
        server.connectHandler(socket -> socket.handler(request -> socket.write("imok").onComplete(done -> socket.close())));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        String answer = ruok(server.actualPort());
        long t1 = System.nanoTime();
        vertx.close().toCompletionStage().toCompletableFuture().get();
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
