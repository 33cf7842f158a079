package dev.meerkat.bench.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A lean ZooKeeper load generator: plain NIO, one selector thread per {@code threads}, many
 * sessions each with up to {@code inFlight} pipelined requests, requests encoded straight into the
 * socket buffer (no request objects, no callbacks), latencies into an HdrHistogram. Closed loop
 * (every reply lets the next request go) or open loop (a fixed total rate, latency counted from
 * when each request was due, so a server that falls behind is not flattered: no coordinated
 * omission). It speaks the Jute protocol of any ZooKeeper 3.5+ server.
 *
 * <p>The official Java client spends about as much CPU per request as either server; this one a
 * small fraction, so on a 2-core machine the server, not the load generator, is what is measured.
 */
public final class LeanLoad implements AutoCloseable {
    public static final String ROOT = "/lean";
    public static final int KEYS = 1000;

    private static final int CREATE = 1, DELETE = 2, EXISTS = 3, GET_DATA = 4, SET_DATA = 5, CHECK = 13, MULTI = 14;
    private static final byte[] WORLD = "world".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANYONE = "anyone".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress server;
    private final byte[] value;
    private final byte[][] keys = new byte[KEYS][];
    /** Per session slot (not per ZooKeeper session): how far its creates and deletes have got, across runs. */
    final long[] created;
    final long[] deleted;

    public record Result(String mix, int sessions, int inFlight, double opsPerSec, long ops, long errors,
                         double p50Ms, double p99Ms, double p999Ms, double maxMs) {
        public String line(String server) {
            return String.format(Locale.ROOT, "%-9s lean %-24s S=%-3d K=%-3d %,10.0f ops/s  p50 %6.2f  p99 %7.2f  p99.9 %7.2f ms  (%,d ops, %d errors)",
                    server, mix, sessions, inFlight, opsPerSec, p50Ms, p99Ms, p999Ms, ops, errors);
        }
    }

    public LeanLoad(InetSocketAddress server, int valueBytes, int maxSessions) {
        this.server = server;
        this.value = new byte[valueBytes];
        ThreadLocalRandom.current().nextBytes(value);
        for (int k = 0; k < KEYS; k++) keys[k] = (ROOT + "/keys/k" + k).getBytes(StandardCharsets.US_ASCII);
        this.created = new long[maxSessions];
        this.deleted = new long[maxSessions];
    }

    /** Creates the keys and one parent per session slot; what exists already is kept. */
    public void setUp() throws IOException {
        List<byte[]> paths = new ArrayList<>();
        paths.add(ROOT.getBytes(StandardCharsets.US_ASCII));
        paths.add((ROOT + "/keys").getBytes(StandardCharsets.US_ASCII));
        for (int s = 0; s < created.length; s++) paths.add((ROOT + "/s" + s).getBytes(StandardCharsets.US_ASCII));
        try (Conn c = Conn.open(server, 30_000)) {
            for (byte[] p : paths) c.call(w -> writeCreate(w, p, new byte[0]));
            for (int k = 0; k < KEYS; k += 100) {
                for (int j = k; j < Math.min(KEYS, k + 100); j++) {
                    byte[] p = keys[j];
                    c.send(w -> writeCreate(w, p, value));
                }
                c.awaitAll();
            }
        }
    }

    /**
     * Runs {@code mix} on {@code sessions} new sessions, warm-up first, then measures.
     * {@code ratePerSec} 0 is closed loop.
     */
    public Result run(Mix mix, int sessions, int inFlight, int threads, double warmupSec, double measureSec, double ratePerSec)
            throws IOException, InterruptedException {
        if (sessions > created.length) throw new IllegalArgumentException("at most " + created.length + " sessions");
        threads = Math.max(1, Math.min(threads, sessions));
        List<Session> all = new ArrayList<>();
        try {
            for (int s = 0; s < sessions; s++) all.add(new Session(this, s, Conn.open(server, 30_000), inFlight));
            Driver[] drivers = new Driver[threads];
            for (int t = 0; t < threads; t++) {
                List<Session> mine = new ArrayList<>();
                for (int s = t; s < sessions; s += threads) mine.add(all.get(s));
                drivers[t] = new Driver(mine, mix, ratePerSec / sessions);
            }
            long now = System.nanoTime();
            long measureStart = now + (long) (warmupSec * 1e9);
            long measureEnd = measureStart + (long) (measureSec * 1e9);
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                Driver d = drivers[t];
                ts[t] = new Thread(() -> d.loop(measureStart, measureEnd), "lean-load-" + t);
                ts[t].start();
            }
            for (Thread t : ts) t.join();
            Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
            long ops = 0, errors = 0;
            long lastReply = measureStart;
            for (Driver d : drivers) {
                if (d.failure != null) throw new IOException("load driver failed", d.failure);
                h.add(d.histogram);
                ops += d.ops;
                errors += d.errors;
                lastReply = Math.max(lastReply, d.lastReplyNanos);
            }
            // A delete run may run out of nodes before the end: its rate is over the time it had work.
            double seconds = (Math.min(measureEnd, Math.max(lastReply, measureStart + 1)) - measureStart) / 1e9;
            return new Result(mix.name(), sessions, inFlight, ops / seconds, ops, errors,
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                    h.getMaxValue() / 1e3);
        } finally {
            for (Session s : all) s.conn.close();
        }
    }

    byte[] value() {
        return value;
    }

    /**
     * Creates {@code parents × children} znodes ({@code /bulk/p<i>/n<j>}, this generator's value
     * size) as multis of {@code perMulti} creates, several in flight: the quickest way to fill a
     * server through its front door. Returns the path of the last one.
     */
    public String populate(int parents, int children, int perMulti) throws IOException {
        byte[] empty = new byte[0];
        try (Conn c = Conn.open(server, 30_000)) {
            c.call(w -> writeCreate(w, "/bulk".getBytes(StandardCharsets.US_ASCII), empty));
            for (int p = 0; p < parents; p++) {
                byte[] path = ("/bulk/p" + p).getBytes(StandardCharsets.US_ASCII);
                c.send(w -> writeCreate(w, path, empty));
            }
            c.awaitAll();
            int inMulti = 0;
            int sent = 0;
            ByteBuffer w = null;
            for (int p = 0; p < parents; p++) {
                byte[] prefix = ("/bulk/p" + p + "/n").getBytes(StandardCharsets.US_ASCII);
                for (int j = 0; j < children; j++) {
                    if (w == null) {
                        w = c.beginFrame();
                        w.putInt(MULTI);
                    }
                    putCreateOp(w, prefix, j);
                    if (++inMulti == perMulti || (p == parents - 1 && j == children - 1)) {
                        endMulti(w);
                        c.endFrame();
                        c.outstanding++;
                        w = null;
                        inMulti = 0;
                        if (++sent % 32 == 0) c.awaitAll();
                        else if (c.out.position() > c.out.capacity() / 2) c.awaitAll();
                    }
                }
            }
            c.awaitAll();
        }
        return "/bulk/p" + (parents - 1) + "/n" + (children - 1);
    }

    /**
     * Makes sure each of the first {@code sessions} slots has at least {@code perSlot} created and
     * not yet deleted nodes (creating the next numbers of its sequence, as multis of 100), so that a
     * delete run measures deletes for its whole window instead of running out of nodes part-way.
     */
    public void topUp(int sessions, long perSlot) throws IOException {
        byte[] empty = new byte[0];
        try (Conn c = Conn.open(server, 30_000)) {
            int sent = 0;
            for (int slot = 0; slot < sessions; slot++) {
                byte[] parent = (ROOT + "/s" + slot).getBytes(StandardCharsets.US_ASCII);
                c.send(w -> writeCreate(w, parent, empty)); // NODEEXISTS when it is there: fine
                c.awaitAll();
                byte[] prefix = (ROOT + "/s" + slot + "/n").getBytes(StandardCharsets.US_ASCII);
                while (created[slot] - deleted[slot] < perSlot) {
                    ByteBuffer w = c.beginFrame();
                    w.putInt(MULTI);
                    for (int k = 0; k < 100; k++) putCreateOp(w, prefix, ++created[slot]);
                    endMulti(w);
                    c.endFrame();
                    c.outstanding++;
                    if (++sent % 32 == 0 || c.out.position() > c.out.capacity() / 2) c.awaitAll();
                }
                c.awaitAll();
            }
        }
    }

    /** One create (persistent, open ACL, this generator's value) of {@code prefix + n} inside a multi. */
    private void putCreateOp(ByteBuffer w, byte[] prefix, long n) {
        w.putInt(CREATE).put((byte) 0).putInt(-1);
        writeNumbered(w, prefix, n);
        writeBuffer(w, value);
        writeOpenAcl(w);
        w.putInt(0);
    }

    /** The multi's end marker. */
    private static void endMulti(ByteBuffer w) {
        w.putInt(-1).put((byte) 1).putInt(-1);
    }

    /** Closes a probe's socket that got no answer in time, as a client's own timeout would. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lean-load-watchdog");
                t.setDaemon(true);
                return t;
            });

    /**
     * Whether {@code path} can be read now (a new session, one getData); false while nobody listens,
     * or when no answer comes within {@code answerTimeoutMs} (the socket is then closed and the
     * caller tries again on a new one, as a client does after its connect timeout).
     */
    public static boolean readable(InetSocketAddress server, String path, int answerTimeoutMs) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
        } catch (IOException e) {
            return false;
        }
        var watchdog = WATCHDOG.schedule(() -> {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }, answerTimeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        try (Conn c = Conn.open(ch, server, 30_000)) {
            byte[] p = path.getBytes(StandardCharsets.UTF_8);
            c.call(w -> {
                w.putInt(GET_DATA);
                writeBuffer(w, p);
                w.put((byte) 0);
            });
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            watchdog.cancel(false);
        }
    }

    @Override
    public void close() {
    }

    // ---- one thread's sessions -------------------------------------------------------------

    private static final class Driver {
        final List<Session> sessions;
        final Mix mix;
        final double ratePerSession;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
        long ops;
        long errors;
        long lastReplyNanos;
        Throwable failure;

        Driver(List<Session> sessions, Mix mix, double ratePerSession) {
            this.sessions = sessions;
            this.mix = mix;
            this.ratePerSession = ratePerSession;
        }

        void loop(long measureStart, long measureEnd) {
            try (Selector selector = Selector.open()) {
                long start = System.nanoTime();
                long intervalNanos = ratePerSession > 0 ? (long) (1e9 / ratePerSession) : 0;
                for (Session s : sessions) {
                    s.conn.channel.configureBlocking(false);
                    s.key = s.conn.channel.register(selector, SelectionKey.OP_READ, s);
                    s.nextDueNanos = start + (intervalNanos > 0 ? ThreadLocalRandom.current().nextLong(intervalNanos) : 0);
                }
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (true) {
                    long now = System.nanoTime();
                    boolean sending = now < measureEnd;
                    boolean busy = false;
                    for (Session s : sessions) {
                        if (sending && !s.exhausted) s.fill(mix, rnd, now, intervalNanos);
                        s.flush();
                        busy |= s.inFlight > 0;
                    }
                    if (!sending && !busy) break;
                    long waitMs = 1;
                    if (intervalNanos > 0 && sending) {
                        long next = Long.MAX_VALUE;
                        for (Session s : sessions) next = Math.min(next, s.nextDueNanos);
                        waitMs = Math.max(0, (next - System.nanoTime()) / 1_000_000);
                    }
                    if (waitMs == 0) selector.selectNow(); else selector.select(waitMs);
                    for (SelectionKey k : selector.selectedKeys()) {
                        Session s = (Session) k.attachment();
                        if (k.isReadable()) s.read(this, measureStart, measureEnd);
                        if (k.isValid() && k.isWritable()) s.flush();
                    }
                    selector.selectedKeys().clear();
                    if (System.nanoTime() > measureEnd + TimeUnit.SECONDS.toNanos(60)) throw new IOException("replies still missing 60 s after the end");
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    // ---- one session ------------------------------------------------------------------------

    private static final class Session {
        final LeanLoad load;
        final int slot;
        final Conn conn;
        final int inFlightMax;
        final long[] sentNanos;
        int head;
        int inFlight;
        long nextDueNanos;
        boolean exhausted;
        SelectionKey key;
        final byte[] prefix;

        Session(LeanLoad load, int slot, Conn conn, int inFlightMax) {
            this.load = load;
            this.slot = slot;
            this.conn = conn;
            this.inFlightMax = inFlightMax;
            this.sentNanos = new long[inFlightMax];
            this.prefix = (ROOT + "/s" + slot + "/n").getBytes(StandardCharsets.US_ASCII);
        }

        void fill(Mix mix, ThreadLocalRandom rnd, long now, long intervalNanos) {
            while (inFlight < inFlightMax) {
                long stamp;
                if (intervalNanos > 0) {
                    if (nextDueNanos > now) return;
                    stamp = nextDueNanos;
                    nextDueNanos += intervalNanos;
                } else {
                    stamp = now;
                }
                if (!send(mix.next(rnd), rnd)) {
                    exhausted = true;
                    return;
                }
                sentNanos[(head + inFlight) % inFlightMax] = stamp;
                inFlight++;
            }
        }

        private boolean send(Mix.Op op, ThreadLocalRandom rnd) {
            ByteBuffer w = conn.beginFrame();
            int type;
            switch (op) {
                case CREATE -> {
                    type = CREATE;
                    w.putInt(type);
                    writeNumbered(w, prefix, ++load.created[slot]);
                    writeBuffer(w, load.value);
                    writeOpenAcl(w);
                    w.putInt(0);
                }
                case DELETE -> {
                    if (load.deleted[slot] >= load.created[slot]) {
                        conn.cancelFrame();
                        return false;
                    }
                    type = DELETE;
                    w.putInt(type);
                    writeNumbered(w, prefix, ++load.deleted[slot]);
                    w.putInt(-1);
                }
                case SET_DATA -> {
                    w.putInt(SET_DATA);
                    writeBuffer(w, load.keys[rnd.nextInt(KEYS)]);
                    writeBuffer(w, load.value);
                    w.putInt(-1);
                }
                case GET_DATA, EXISTS -> {
                    w.putInt(op == Mix.Op.GET_DATA ? GET_DATA : EXISTS);
                    writeBuffer(w, load.keys[rnd.nextInt(KEYS)]);
                    w.put((byte) 0);
                }
                case MULTI -> {
                    byte[] key = load.keys[rnd.nextInt(KEYS)];
                    w.putInt(MULTI);
                    w.putInt(CHECK).put((byte) 0).putInt(-1);
                    writeBuffer(w, key);
                    w.putInt(-1);
                    w.putInt(SET_DATA).put((byte) 0).putInt(-1);
                    writeBuffer(w, key);
                    writeBuffer(w, load.value);
                    w.putInt(-1);
                    w.putInt(-1).put((byte) 1).putInt(-1);
                }
                default -> throw new AssertionError(op);
            }
            conn.endFrame();
            return true;
        }

        void flush() throws IOException {
            if (!conn.flush()) key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            else key.interestOps(SelectionKey.OP_READ);
        }

        void read(Driver d, long measureStart, long measureEnd) throws IOException {
            ByteBuffer in = conn.in;
            int n = conn.channel.read(in);
            if (n < 0) throw new IOException("server closed session slot " + slot);
            in.flip();
            long now = System.nanoTime();
            while (in.remaining() >= 4) {
                int len = in.getInt(in.position());
                if (in.remaining() < 4 + len) break;
                int frameEnd = in.position() + 4 + len;
                int xid = in.getInt(in.position() + 4);
                int err = in.getInt(in.position() + 16);
                in.position(frameEnd);
                if (xid < 0) continue; // pings, watch events
                long sent = sentNanos[head];
                head = (head + 1) % inFlightMax;
                inFlight--;
                if (now >= measureStart && now < measureEnd) {
                    d.ops++;
                    if (err != 0) d.errors++;
                    d.histogram.recordValue(Math.max(1, (now - sent) / 1000));
                    d.lastReplyNanos = now;
                }
            }
            in.compact();
        }
    }

    // ---- encoding ---------------------------------------------------------------------------

    static void writeCreate(ByteBuffer w, byte[] path, byte[] data) {
        w.putInt(CREATE);
        writeBuffer(w, path);
        writeBuffer(w, data);
        writeOpenAcl(w);
        w.putInt(0);
    }

    private static void writeOpenAcl(ByteBuffer w) {
        w.putInt(1).putInt(31);
        writeBuffer(w, WORLD);
        writeBuffer(w, ANYONE);
    }

    static void writeBuffer(ByteBuffer w, byte[] b) {
        w.putInt(b.length).put(b);
    }

    /** {@code prefix} followed by the decimal digits of {@code n}, as a Jute string. */
    private static void writeNumbered(ByteBuffer w, byte[] prefix, long n) {
        int digits = 1;
        for (long x = n; x >= 10; x /= 10) digits++;
        w.putInt(prefix.length + digits).put(prefix);
        int end = w.position() + digits;
        for (int i = end - 1; i >= w.position(); i--) {
            w.put(i, (byte) ('0' + n % 10));
            n /= 10;
        }
        w.position(end);
    }

    /** One TCP connection with a ZooKeeper session on it. */
    static final class Conn implements AutoCloseable {
        final SocketChannel channel;
        final ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
        final ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
        private int frameStart = -1;
        private int xid;
        private int outstanding;

        private Conn(SocketChannel channel) {
            this.channel = channel;
        }

        static Conn open(InetSocketAddress server, int timeoutMs) throws IOException {
            return open(SocketChannel.open(), server, timeoutMs);
        }

        static Conn open(SocketChannel ch, InetSocketAddress server, int timeoutMs) throws IOException {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(server);
            Conn c = new Conn(ch);
            ByteBuffer w = c.out;
            int start = w.position();
            w.putInt(0);
            w.putInt(0).putLong(0).putInt(timeoutMs).putLong(0).putInt(16).put(new byte[16]).put((byte) 0);
            w.putInt(start, w.position() - start - 4);
            c.flushBlocking();
            c.readFrameBlocking();
            return c;
        }

        ByteBuffer beginFrame() {
            frameStart = out.position();
            out.putInt(0).putInt(++xid);
            return out;
        }

        void endFrame() {
            out.putInt(frameStart, out.position() - frameStart - 4);
            frameStart = -1;
        }

        void cancelFrame() {
            out.position(frameStart);
            xid--;
            frameStart = -1;
        }

        /** Non-blocking: true when everything went out. */
        boolean flush() throws IOException {
            if (out.position() == 0) return true;
            out.flip();
            channel.write(out);
            out.compact();
            return out.position() == 0;
        }

        interface Body {
            void write(ByteBuffer w);
        }

        void send(Body body) throws IOException {
            body.write(beginFrame());
            endFrame();
            outstanding++;
            if (out.position() > out.capacity() / 2) flushBlocking();
        }

        /** Sends, waits for the reply; an error reply other than NODEEXISTS fails. */
        void call(Body body) throws IOException {
            send(body);
            awaitAll();
        }

        void awaitAll() throws IOException {
            flushBlocking();
            while (outstanding > 0) {
                int err = readFrameBlocking();
                if (err != 0 && err != -110) throw new IOException("setup request failed with error " + err);
                outstanding--;
            }
        }

        private void flushBlocking() throws IOException {
            out.flip();
            while (out.hasRemaining()) channel.write(out);
            out.clear();
        }

        /** Reads one frame; returns the error field of a reply (0 for a connect response). */
        private int readFrameBlocking() throws IOException {
            while (true) {
                in.flip();
                if (in.remaining() >= 4 && in.remaining() >= 4 + in.getInt(in.position())) {
                    int len = in.getInt();
                    int err = len >= 16 ? in.getInt(in.position() + 12) : 0;
                    boolean isReply = in.getInt(in.position()) >= 0 && len >= 16;
                    in.position(in.position() + len);
                    in.compact();
                    return isReply ? err : 0;
                }
                in.compact();
                if (channel.read(in) < 0) throw new IOException("server closed the connection");
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
