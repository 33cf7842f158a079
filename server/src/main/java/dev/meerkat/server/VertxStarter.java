package dev.meerkat.server;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.impl.SysProps;

import dev.meerkat.core.util.OwnThread;

import java.util.concurrent.CompletableFuture;

/**
 * Creates a server's Vert.x instance, on a thread of its own so that it overlaps the node's start.
 *
 * <p>The first Vert.x of a JVM is the biggest part of a cold start (Netty's and Vert.x's classes).
 * Two parts of it a Meerkat server never uses are left out: the asynchronous DNS client (a
 * coordination server binds addresses; the JDK resolver serves the rare host name) and, unless
 * the admin HTTP server may serve files from the classpath, the file cache.
 */
final class VertxStarter {
    /**
     * {@code vertx.disableDnsResolver}, which Vert.x reads once while an instance is created. The
     * embedded artifact renames it along with its relocated Vert.x, so setting it there never
     * touches a Vert.x of the application's own.
     */
    private static final String DISABLE_DNS_RESOLVER = SysProps.DISABLE_DNS_RESOLVER.name;

    /**
     * Netty 4.2 registers JFR events for its buffers at the first allocation, which on a cold JVM
     * costs more than the rest of a client's first request (some 150 classes, annotation proxies,
     * regular expressions). The embedded artifact renames this property with its relocated Netty, so
     * turning it off there concerns Meerkat's own copy only; the unrelocated server leaves it alone.
     */
    private static final String NETTY_JFR = "io.netty.jfr.enabled";

    private VertxStarter() {
    }

    static CompletableFuture<Vertx> startAsync(int eventLoops, boolean serveFiles) {
        turnOffNettyJfr(); // on the caller's thread, before anything it starts next can touch Netty
        return OwnThread.supply("meerkat-vertx-start", () -> start(eventLoops, serveFiles));
    }

    /** On the caller's thread: for a start with no CPU to spare, once its clients are served. */
    static Vertx start(int eventLoops, boolean serveFiles) {
        turnOffNettyJfr();
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(2).setInternalBlockingPoolSize(2);
        if (!serveFiles) options.setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
        // Set only for the duration of the constructor, and only when nobody chose otherwise.
        boolean chosen = System.getProperty(DISABLE_DNS_RESOLVER) != null;
        if (!chosen) System.setProperty(DISABLE_DNS_RESOLVER, "true");
        try {
            return Vertx.vertx(options);
        } finally {
            if (!chosen) System.clearProperty(DISABLE_DNS_RESOLVER);
        }
    }

    /** Before Netty's first class is initialised (creating a Vert.x instance does that). */
    private static void turnOffNettyJfr() {
        if (NETTY_JFR.startsWith("dev.") && System.getProperty(NETTY_JFR) == null) System.setProperty(NETTY_JFR, "false");
    }
}
