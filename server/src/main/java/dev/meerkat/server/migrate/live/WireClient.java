package dev.meerkat.server.migrate.live;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.AuthPacket;
import dev.meerkat.wire.proto.CloseSessionRequest;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.ConnectResponse;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.PingRequest;
import dev.meerkat.wire.proto.ReplyHeader;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.RequestHeader;
import dev.meerkat.wire.proto.WatcherEvent;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A small ZooKeeper client on zk-wire's records and a plain socket: one session, requests
 * pipelined (at most {@link #MAX_IN_FLIGHT} outstanding, the caller waits for room), replies
 * matched to requests in order, watch notifications handed to a callback, pings while idle.
 * The official client cannot go into Meerkat's jar (it brings Netty 4.1, which breaks Vert.x), and
 * the live copy needs little of it: no reconnection (a lost connection fails everything pending and
 * the copy starts a new session), no chroot (the copy prefixes paths itself).
 */
final class WireClient implements AutoCloseable {
    static final int MAX_IN_FLIGHT = 512;
    private static final int AUTH_XID = -4;
    private static final int PING_XID = -2;
    private static final int NOTIFICATION_XID = -1;
    private static final int MAX_FRAME = 64 << 20;

    /** A reply: ZooKeeper's error code (0 = ok), the server's zxid, and the body when err is 0. */
    record Reply(int err, long zxid, JuteInput body) {
    }

    /** One authentication, as zkCli's {@code addauth scheme credentials}. */
    record Auth(String scheme, byte[] credentials) {
    }

    private record Pending(int xid, CompletableFuture<Reply> future) {
    }

    private final String name;
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final Consumer<WatcherEvent> watches;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final Semaphore room = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicInteger xids = new AtomicInteger(1);
    private final AtomicLong lastZxid = new AtomicLong();
    private final long sessionId;
    private final int timeoutMs;
    private volatile long lastSendNanos = System.nanoTime();
    private volatile IOException failure;
    private final Thread reader;
    private final Thread pinger;

    private WireClient(String name, Socket socket, Consumer<WatcherEvent> watches, ConnectResponse session) throws IOException {
        this.name = name;
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.watches = watches;
        this.sessionId = session.sessionId();
        this.timeoutMs = session.timeOut();
        this.reader = new Thread(this::readLoop, "meerkat-copy-" + name + "-reader");
        this.pinger = new Thread(this::pingLoop, "meerkat-copy-" + name + "-pinger");
        reader.setDaemon(true);
        pinger.setDaemon(true);
    }

    /**
     * Opens a session on the first server of {@code hosts} that answers and authenticates it.
     *
     * @throws IOException when no server accepts, or an authentication is refused
     */
    static WireClient connect(String name, List<InetSocketAddress> hosts, int sessionTimeoutMs, List<Auth> auths,
                              Consumer<WatcherEvent> watches) throws IOException {
        IOException last = null;
        for (InetSocketAddress host : hosts) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host.getHostString(), host.getPort()), 10_000);
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(15_000); // the handshake; then the reader blocks indefinitely
                DataInputStream in = new DataInputStream(socket.getInputStream());
                JuteOutput o = new JuteOutput();
                int mark = o.beginFrame();
                new ConnectRequest(0, 0, sessionTimeoutMs, 0, new byte[16], false).write(o);
                o.endFrame(mark);
                socket.getOutputStream().write(o.toByteArray());
                ConnectResponse r = ConnectResponse.read(new JuteInput(readFrame(in)));
                if (r.timeOut() <= 0) throw new IOException(host + " refused the session");
                for (Auth a : auths) authenticate(socket, in, a, host);
                socket.setSoTimeout(0);
                WireClient c = new WireClient(name, socket, watches, r);
                c.reader.start();
                c.pinger.start();
                return c;
            } catch (IOException e) {
                last = new IOException(name + " " + host.getHostString() + ":" + host.getPort() + ": " + e.getMessage(), e);
                socket.close();
            }
        }
        throw last == null ? new IOException("no " + name + " address given") : last;
    }

    private static void authenticate(Socket socket, DataInputStream in, Auth a, InetSocketAddress host) throws IOException {
        JuteOutput o = new JuteOutput();
        int mark = o.beginFrame();
        new RequestHeader(AUTH_XID, OpCode.AUTH).write(o);
        new AuthPacket(0, a.scheme(), a.credentials()).write(o);
        o.endFrame(mark);
        socket.getOutputStream().write(o.toByteArray());
        while (true) {
            JuteInput i = new JuteInput(readFrame(in));
            ReplyHeader h = ReplyHeader.read(i);
            if (h.xid() != AUTH_XID) continue; // a notification cannot come yet; anything else is not ours
            if (h.err() != 0) throw new IOException("authentication with scheme " + a.scheme() + " refused (error " + h.err() + ")");
            return;
        }
    }

    long sessionId() {
        return sessionId;
    }

    /** The largest zxid any reply carried: how far the server has got. */
    long lastZxid() {
        return lastZxid.get();
    }

    boolean isOpen() {
        return failure == null && !socket.isClosed();
    }

    /** Sends a request; the future fails with an {@link IOException} when the connection goes. */
    CompletableFuture<Reply> send(Request request) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        IOException broken = failure;
        if (broken != null) {
            f.completeExceptionally(broken);
            return f;
        }
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.completeExceptionally(new IOException("interrupted"));
            return f;
        }
        f.whenComplete((r, t) -> room.release());
        JuteOutput o = new JuteOutput(256);
        int mark = o.beginFrame();
        synchronized (out) {
            int xid = xids.getAndIncrement();
            new RequestHeader(xid, request.opcode()).write(o);
            request.write(o);
            o.endFrame(mark);
            pending.add(new Pending(xid, f));
            try {
                out.write(o.toByteArray());
                out.flush();
                lastSendNanos = System.nanoTime();
            } catch (IOException e) {
                fail(new IOException(name + " connection lost: " + e.getMessage(), e));
            }
        }
        if (failure != null) failPending();
        return f;
    }

    private void readLoop() {
        try {
            while (true) {
                byte[] frame = readFrame(in);
                JuteInput i = new JuteInput(frame, 0, frame.length, Integer.MAX_VALUE);
                ReplyHeader h = ReplyHeader.read(i);
                if (h.zxid() > 0) lastZxid.accumulateAndGet(h.zxid(), Math::max);
                if (h.xid() == NOTIFICATION_XID) {
                    watches.accept(WatcherEvent.read(i));
                    continue;
                }
                if (h.xid() == PING_XID || h.xid() == AUTH_XID) continue;
                Pending p = pending.poll();
                if (p == null || p.xid() != h.xid()) {
                    throw new IOException("reply " + h.xid() + " does not match request " + (p == null ? "none" : p.xid()));
                }
                p.future().complete(new Reply(h.err(), h.zxid(), i));
            }
        } catch (IOException e) {
            fail(e instanceof EOFException ? new IOException(name + " closed the connection") : new IOException(name + ": " + e.getMessage(), e));
        }
        failPending();
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) throw new JuteException("frame of " + len + " bytes");
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    private void pingLoop() {
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(100, timeoutMs / 3));
        while (isOpen()) {
            try {
                Thread.sleep(Math.max(50, timeoutMs / 10));
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - lastSendNanos < intervalNanos) continue;
            JuteOutput o = new JuteOutput();
            int mark = o.beginFrame();
            new RequestHeader(PING_XID, OpCode.PING).write(o);
            new PingRequest().write(o);
            o.endFrame(mark);
            synchronized (out) {
                try {
                    out.write(o.toByteArray());
                    out.flush();
                    lastSendNanos = System.nanoTime();
                } catch (IOException e) {
                    fail(new IOException(name + " connection lost: " + e.getMessage(), e));
                }
            }
        }
    }

    private void fail(IOException e) {
        if (failure == null) failure = e;
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    private void failPending() {
        for (Pending p; (p = pending.poll()) != null; ) p.future().completeExceptionally(failure);
    }

    /** Closes the session (its watches go with it) and the connection. */
    @Override
    public void close() {
        if (isOpen()) {
            try {
                send(new CloseSessionRequest()).get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        fail(new IOException(name + " connection closed"));
        pinger.interrupt();
        failPending();
    }
}
