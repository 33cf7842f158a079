package dev.meerkat.server.migrate.live;

import dev.meerkat.server.migrate.MigrationException;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.WatcherEvent;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code meerkat import --from-zookeeper ...}: copies a running ZooKeeper's tree (or a subtree) into
 * a running Meerkat through the client protocol and keeps it in step until stopped.
 *
 * <p>How it stays in step: every copied znode is read with a data and a child watch, so every
 * change on the source brings it back to that znode, which it reads again (setting the watches
 * again) and mends on the target; a full comparison of both trees every reconcile interval catches
 * what watches cannot show (ACL changes fire none) and anything lost while a connection was down
 * (a new session always starts with a full comparison). Writes go to Meerkat as any client's, so
 * they are replicated like any write; the source is only read.
 *
 * <p>What it guarantees once in step, for every znode under the copied root except ephemerals
 * (which belong to sessions of the source and are never copied): the same path, data and ACL, and
 * for every parent the source's sequence counter (so sequential znodes created after the
 * cut-over continue the source's numbering, and cversion is equal when the children are). Versions,
 * zxids, times and node kinds (containers, TTL nodes) are not copied: the protocol offers no way to
 * set them (the offline import keeps them all).
 *
 * <p>One thread does all the work, blocking on replies (never on an event loop); watch events from
 * the source's reader thread only queue paths.
 */
public final class LiveCopy {
    static final String MARKER_PREFIX = "/zookeeper/meerkat-live-copy-";
    /** Changes taken from the queue in one go. */
    private static final int DRAIN = 1024;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** A snapshot of progress, safe to read from any thread. */
    public record Status(boolean inStep, long znodes, int pending, long lagMs, long changesApplied, long sourceZxid,
                         long reconciliations, long lastDifferences, long skippedEphemerals, long unreadable, String problem) {
    }

    private record Event(String rel, long atNanos) {
    }

    private final LiveCopyOptions options;
    private final PrintWriter out;
    private final PrintWriter err;
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final String marker;
    private volatile boolean running;
    private volatile Status status;
    private volatile Thread worker;
    private volatile boolean finished;
    private volatile int finalExit = -1;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    // Worker thread only.
    private WireClient source;
    private WireClient target;
    private final CopyPaths paths;
    private final TreeSync tree;
    private long applied;
    private long reconciliations;
    private long lastDifferences = -1;
    private String lastReconcileTime = "never";
    private long nextReconcileNanos;
    private long nextReportNanos;
    private String problem;

    public LiveCopy(LiveCopyOptions options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.marker = MARKER_PREFIX + URLEncoder.encode(options.targetRoot(), StandardCharsets.UTF_8);
        this.paths = new CopyPaths(options.sourceRoot(), options.targetRoot());
        this.tree = new TreeSync(paths, out, err, options.reportSeconds(), rel -> events.add(new Event(rel, System.nanoTime())));
        this.status = new Status(false, 0, 0, 0, 0, 0, 0, -1, 0, 0, null);
    }

    /** Runs until the process is told to stop (Ctrl-C, SIGTERM), or once with {@code --once}; returns the exit code. */
    public int runUntilStopped() throws MigrationException {
        start();
        if (options.once()) return stop();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "meerkat-live-copy-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stop();
        }
        return finalExit;
    }

    /**
     * Connects, checks the target, copies everything once and (unless {@code --once}) starts
     * keeping the target in step on a thread of its own. Returns once the first copy is complete.
     */
    public void start() throws MigrationException {
        out.println("live copy from " + options.describeSource() + " to " + options.describeTarget());
        try {
            connect();
            checkTarget();
            long t0 = System.nanoTime();
            long copied = tree.sync(source, target, List.of("/"), true, tree.differences(false));
            out.printf(Locale.ROOT, "first copy: %,d znode(s) written, %,d in step, %,d ephemeral(s) not copied, %.1f s%n",
                    copied, tree.mirrored(), tree.ephemerals(), (System.nanoTime() - t0) / 1e9);
            publish();
        } catch (IOException e) {
            close();
            throw new MigrationException(MigrationException.BAD_INPUT, "live copy failed: " + e.getMessage(), e);
        } catch (MigrationException e) {
            close();
            throw e;
        }
        running = true;
        if (!options.once()) {
            Thread t = new Thread(this::loop, "meerkat-live-copy");
            t.setDaemon(true);
            worker = t;
            t.start();
        }
    }

    /** The latest status (updated as the copy works). */
    public Status status() {
        return status;
    }

    /**
     * Waits until the target is in step: no change pending and a full comparison finished after
     * this call began found no difference.
     */
    public Status awaitInStep(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        long passesBefore = status.reconciliations();
        requestReconcile();
        while (System.nanoTime() < deadline) {
            Status s = status;
            if (s.reconciliations() > passesBefore && s.inStep()) return s;
            if (s.reconciliations() > passesBefore) {
                passesBefore = s.reconciliations();
                requestReconcile();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return status;
    }

    private volatile boolean reconcileRequested;

    private void requestReconcile() {
        reconcileRequested = true;
        Thread w = worker;
        if (w != null) LockSupport.unpark(w);
    }

    /**
     * Stops keeping in step: finishes what is pending, compares the trees until a pass finds no
     * difference (at most three), closes both sessions and prints the summary. Returns the exit
     * code: 0 when the target ended in step.
     */
    public synchronized int stop() {
        if (finished) return finalExit;
        running = false;
        Thread w = worker;
        if (w != null) {
            LockSupport.unpark(w);
            try {
                w.join(TimeUnit.MINUTES.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long diffs = -1;
        try {
            ensureConnected();
            drainEvents();
            for (int pass = 0; pass < 3; pass++) {
                diffs = reconcile();
                if (diffs == 0) break;
            }
        } catch (IOException e) {
            problem = e.getMessage();
            err.println("live copy: final comparison failed: " + e.getMessage());
        }
        publish();
        close();
        Status s = status;
        out.printf(Locale.ROOT, "live copy stopped: %s; %,d znode(s) in step, %,d change(s) applied, %d comparison(s),"
                        + " last found %d difference(s); %,d ephemeral(s) not copied%s%n",
                diffs == 0 ? "the target is in step with the source" : "THE TARGET IS NOT IN STEP", s.znodes(), s.changesApplied(),
                s.reconciliations(), s.lastDifferences(), s.skippedEphemerals(),
                s.unreadable() > 0 ? ", " + s.unreadable() + " znode(s) unreadable on the source (no READ permission)" : "");
        out.flush();
        finalExit = diffs == 0 ? 0 : 5;
        finished = true;
        stopped.countDown();
        return finalExit;
    }

    // ---- the worker -----------------------------------------------------------------------------

    private void loop() {
        // A first comparison right after the first copy: what changed while it ran, and the first "in step".
        nextReconcileNanos = System.nanoTime();
        nextReportNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.reportSeconds());
        long backoffMs = 500;
        while (running) {
            try {
                if (!ensureConnected()) {
                    backoffMs = 500;
                    // A new session lost whatever changed meanwhile, and its watches: compare everything.
                    reconcile();
                }
                if (!drainEvents()) {
                    long now = System.nanoTime();
                    if (reconcileRequested || now >= nextReconcileNanos) {
                        reconcileRequested = false;
                        reconcile();
                        nextReconcileNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.reconcileSeconds());
                    } else {
                        LockSupport.parkNanos(Math.min(TimeUnit.MILLISECONDS.toNanos(100), nextReconcileNanos - now));
                    }
                }
                problem = null;
            } catch (IOException | RuntimeException e) {
                problem = e.getMessage();
                err.println("live copy: " + e.getMessage() + "; reconnecting in " + backoffMs + " ms");
                close();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
            publish();
            if (System.nanoTime() >= nextReportNanos) {
                report();
                nextReportNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.reportSeconds());
            }
        }
    }

    /** Applies queued changes; false when there were none. */
    private boolean drainEvents() throws IOException {
        if (events.isEmpty()) return false;
        LinkedHashSet<String> changed = new LinkedHashSet<>();
        for (Event e; changed.size() < DRAIN && (e = events.poll()) != null; ) changed.add(e.rel());
        applied += tree.sync(source, target, new ArrayList<>(changed), false, tree.differences(false));
        return true;
    }

    /** A full comparison of both trees, mending every difference; returns how many there were. */
    private long reconcile() throws IOException {
        TreeSync.Differences diffs = tree.differences(true);
        tree.sync(source, target, List.of("/"), true, diffs);
        reconciliations++;
        lastDifferences = diffs.count;
        applied += diffs.count;
        lastReconcileTime = LocalTime.now().format(CLOCK);
        publish();
        return diffs.count;
    }

    private void report() {
        Status s = status;
        out.printf(Locale.ROOT, "live copy %s  %s | %,d znodes | %d pending, lag %d ms | %,d changes applied | source zxid 0x%x"
                        + " | last check %s: %s%s%n",
                LocalTime.now().format(CLOCK), s.inStep() ? "in step" : "catching up", s.znodes(), s.pending(), s.lagMs(),
                s.changesApplied(), s.sourceZxid(), lastReconcileTime,
                s.lastDifferences() < 0 ? "-" : s.lastDifferences() + " differences", s.problem() == null ? "" : " | " + s.problem());
        out.flush();
    }

    private void publish() {
        Event oldest = events.peek();
        long lag = oldest == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - oldest.atNanos());
        int pending = events.size();
        WireClient s = source;
        status = new Status(pending == 0 && problem == null && lastDifferences == 0, tree.mirrored(), pending, lag, applied,
                s == null ? 0 : s.lastZxid(), reconciliations, lastDifferences, tree.ephemerals(), tree.unreadable(), problem);
    }

    // ---- connections -------------------------------------------------------------------------

    private void connect() throws IOException {
        source = WireClient.connect("source", options.source(), options.sessionTimeoutMs(), options.sourceAuth(), this::onSourceEvent);
        try {
            target = WireClient.connect("target", options.target(), options.sessionTimeoutMs(), options.targetAuth(), e -> { });
        } catch (IOException e) {
            source.close();
            source = null;
            throw e;
        }
    }

    /** True when both sessions were already up; false after making new ones. */
    private boolean ensureConnected() throws IOException {
        if (source != null && source.isOpen() && target != null && target.isOpen()) return true;
        close();
        connect();
        return false;
    }

    private void close() {
        if (source != null) source.close();
        if (target != null) target.close();
        source = null;
        target = null;
    }

    private void onSourceEvent(WatcherEvent e) {
        String rel = paths.relative(e.path());
        if (rel == null) return;
        events.add(new Event(rel, System.nanoTime()));
        Thread w = worker;
        if (w != null) LockSupport.unpark(w);
    }

    // ---- the target's state before the first copy ----------------------------------------------

    private void checkTarget() throws IOException, MigrationException {
        String root = options.targetRoot();
        Znodes.Read existing = Znodes.await(Znodes.read(target, root, false));
        Znodes.Read mark = Znodes.await(Znodes.read(target, marker, false));
        String me = options.describeSource();
        if (mark.exists()) {
            String from = mark.data() == null ? "" : new String(mark.data(), StandardCharsets.UTF_8);
            if (!from.equals(me) && !options.force()) {
                throw new MigrationException(MigrationException.TARGET_NOT_EMPTY, options.describeTarget() + " holds a live copy of " + from
                        + ", not of " + me + "; pass --force to replace it with this one");
            }
            out.println("resuming the live copy of " + from + " into " + options.describeTarget());
        } else if (existing.exists()) {
            List<String> content = new ArrayList<>(existing.children());
            content.removeIf(paths::isSystemChild);
            if (!content.isEmpty() && !options.force()) {
                content.sort(null);
                throw new MigrationException(MigrationException.TARGET_NOT_EMPTY, options.describeTarget() + " is not empty (it holds "
                        + (content.size() <= 5 ? content : content.subList(0, 5) + " and " + (content.size() - 5) + " more")
                        + "); nothing was changed. Pass --force to make it a copy of the source (what the source lacks is deleted)");
            }
        }
        // Ancestors of the target root that do not exist yet, as a client's chroot creation would make them.
        List<String> missing = new ArrayList<>();
        for (String p = CopyPaths.parent(root); p != null && !p.equals("/"); p = CopyPaths.parent(p)) missing.add(0, p);
        for (String p : missing) {
            WireClient.Reply r = Znodes.await(Znodes.create(target, p, null, Znodes.OPEN));
            if (r.err() != Znodes.OK && r.err() != Znodes.NODE_EXISTS) throw new IOException("cannot create " + p + " on the target: error " + r.err());
        }
        byte[] me8 = me.getBytes(StandardCharsets.UTF_8);
        WireClient.Reply r = Znodes.await(mark.exists() ? Znodes.setData(target, marker, me8) : Znodes.create(target, marker, me8, Znodes.OPEN));
        if (r.err() != Znodes.OK) throw new IOException("cannot write the live copy's marker " + marker + " on the target: error " + r.err());
    }


}
