package dev.meerkat.server.migrate.live;

import dev.meerkat.server.migrate.MigrationException;
import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.DeleteRequest;
import dev.meerkat.wire.proto.GetChildren2Response;
import dev.meerkat.wire.proto.Id;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.WatcherEvent;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * for every parent a sequence counter at least the source's (so sequential znodes created after the
 * cut-over continue the source's numbering, and cversion is equal when the children are). Versions,
 * zxids, times and node kinds (containers, TTL nodes) are not copied: the protocol offers no way to
 * set them (the offline import keeps them all).
 *
 * <p>One thread does all the work, blocking on replies (never on an event loop); watch events from
 * the source's reader thread only queue paths.
 */
public final class LiveCopy {
    private static final String SYSTEM = "zookeeper";
    /** The child created and deleted to move a target parent's sequence counter forward. */
    static final String COUNTER_NODE = ".meerkat-live-copy-seq";
    static final String MARKER_PREFIX = "/zookeeper/meerkat-live-copy-";
    private static final int BATCH = 256;
    private static final int MULTI_PAIRS = 400;
    private static final int LISTED_DIFFERENCES = 20;
    private static final List<ACL> OPEN = List.of(new ACL(31, new Id("world", "anyone")));
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
    private final Set<String> mirrored = new HashSet<>();
    private final Set<String> ephemerals = new HashSet<>();
    private final Set<String> unreadable = new HashSet<>();
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
            long copied = sync(List.of("/"), true, new Differences(false));
            out.printf(Locale.ROOT, "first copy: %,d znode(s) written, %,d in step, %,d ephemeral(s) not copied, %.1f s%n",
                    copied, mirrored.size(), ephemerals.size(), (System.nanoTime() - t0) / 1e9);
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
        LinkedHashSet<String> paths = new LinkedHashSet<>();
        for (Event e; paths.size() < 4 * BATCH && (e = events.poll()) != null; ) paths.add(e.rel());
        long changed = sync(new ArrayList<>(paths), false, new Differences(false));
        applied += changed;
        return true;
    }

    /** A full comparison of both trees, mending every difference; returns how many there were. */
    private long reconcile() throws IOException {
        Differences diffs = new Differences(true);
        sync(List.of("/"), true, diffs);
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
        status = new Status(pending == 0 && problem == null && lastDifferences == 0, mirrored.size(), pending, lag, applied,
                s == null ? 0 : s.lastZxid(), reconciliations, lastDifferences, ephemerals.size(), unreadable.size(), problem);
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
        String rel = relative(e.path());
        if (rel == null) return;
        events.add(new Event(rel, System.nanoTime()));
        Thread w = worker;
        if (w != null) LockSupport.unpark(w);
    }

    // ---- the target's state before the first copy ----------------------------------------------

    private void checkTarget() throws IOException, MigrationException {
        String root = options.targetRoot();
        Znodes.Read existing = join(Znodes.read(target, root, false));
        Znodes.Read mark = join(Znodes.read(target, marker, false));
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
            if (root.equals("/")) content.remove(SYSTEM);
            if (!content.isEmpty() && !options.force()) {
                content.sort(null);
                throw new MigrationException(MigrationException.TARGET_NOT_EMPTY, options.describeTarget() + " is not empty (it holds "
                        + (content.size() <= 5 ? content : content.subList(0, 5) + " and " + (content.size() - 5) + " more")
                        + "); nothing was changed. Pass --force to make it a copy of the source (what the source lacks is deleted)");
            }
        }
        // Ancestors of the target root that do not exist yet, as a client's chroot creation would make them.
        List<String> missing = new ArrayList<>();
        for (String p = parent(root); p != null && !p.equals("/"); p = parent(p)) missing.add(0, p);
        for (String p : missing) {
            WireClient.Reply r = join(Znodes.create(target, p, null, OPEN));
            if (r.err() != Znodes.OK && r.err() != Znodes.NODE_EXISTS) throw new IOException("cannot create " + p + " on the target: error " + r.err());
        }
        byte[] me8 = me.getBytes(StandardCharsets.UTF_8);
        WireClient.Reply r = join(mark.exists() ? Znodes.setData(target, marker, me8) : Znodes.create(target, marker, me8, OPEN));
        if (r.err() != Znodes.OK) throw new IOException("cannot write the live copy's marker " + marker + " on the target: error " + r.err());
    }

    // ---- copying -------------------------------------------------------------------------------

    /** Differences met in one pass, and which to list. */
    private final class Differences {
        final boolean list;
        long count;

        Differences(boolean list) {
            this.list = list;
        }

        void add(String rel, String what) {
            count++;
            if (list && count <= LISTED_DIFFERENCES) err.println("live copy: difference at " + rel + ": " + what);
            if (list && count == LISTED_DIFFERENCES + 1) err.println("live copy: (more differences not listed)");
        }
    }

    /**
     * Makes the target match the source at {@code start} (relative paths); with {@code deep} the whole
     * subtrees, otherwise the znodes themselves and their new children. Returns how many writes it made.
     */
    private long sync(List<String> start, boolean deep, Differences diffs) throws IOException {
        ArrayDeque<String> frontier = new ArrayDeque<>(start);
        Set<String> seen = new HashSet<>();
        List<String> counters = new ArrayList<>();
        long writes = 0;
        long progressAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.reportSeconds());
        while (!frontier.isEmpty()) {
            if (deep && System.nanoTime() > progressAt) {
                out.printf(Locale.ROOT, "live copy: comparing, %,d znodes so far, %,d to go%n", seen.size(), frontier.size());
                out.flush();
                progressAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.reportSeconds());
            }
            List<String> batch = new ArrayList<>(BATCH);
            while (batch.size() < BATCH && !frontier.isEmpty()) {
                String r = frontier.poll();
                if (seen.add(r) && !excluded(r)) batch.add(r);
            }
            // Parents before children, so that pipelined creates find their parent.
            batch.sort(Comparator.comparingInt(LiveCopy::depth));
            List<CompletableFuture<Znodes.Read>> src = new ArrayList<>(batch.size());
            List<CompletableFuture<Znodes.Read>> dst = new ArrayList<>(batch.size());
            for (String r : batch) src.add(Znodes.read(source, sourcePath(r), true));
            for (String r : batch) dst.add(Znodes.read(target, targetPath(r), false));
            List<Write> pendingWrites = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                String r = batch.get(i);
                Znodes.Read s = join(src.get(i));
                Znodes.Read d = join(dst.get(i));
                if (s.err() == Znodes.NO_NODE) {
                    mirrored.remove(r);
                    ephemerals.remove(r);
                    if (d.exists() && !d.ephemeral()) {
                        writes += deleteTargetSubtree(r);
                        diffs.add(r, "not on the source: deleted from the target");
                    }
                    continue;
                }
                if (s.err() != Znodes.OK) {
                    if (unreadable.add(r)) err.println("live copy: cannot read " + sourcePath(r) + " on the source (error " + s.err() + "); left as it is");
                    continue;
                }
                unreadable.remove(r);
                if (s.ephemeral()) {
                    ephemerals.add(r);
                    mirrored.remove(r);
                    if (d.exists() && !d.ephemeral()) {
                        writes += deleteTargetSubtree(r);
                        diffs.add(r, "ephemeral on the source: deleted from the target");
                    }
                    continue;
                }
                ephemerals.remove(r);
                if (!d.exists()) {
                    pendingWrites.add(new Write(r, Znodes.create(target, targetPath(r), s.data(), s.acl())));
                    diffs.add(r, "missing on the target: created");
                } else {
                    if (!Arrays.equals(s.data(), d.data())) {
                        pendingWrites.add(new Write(r, Znodes.setData(target, targetPath(r), s.data())));
                        diffs.add(r, "data differs: updated");
                    }
                    if (!s.acl().equals(d.acl())) {
                        pendingWrites.add(new Write(r, Znodes.setAcl(target, targetPath(r), s.acl())));
                        diffs.add(r, "ACL differs: updated");
                    }
                }
                mirrored.add(r);
                Set<String> srcKids = new HashSet<>(s.children());
                Set<String> dstKids = d.exists() ? new HashSet<>(d.children()) : Set.of();
                for (String c : dstKids) {
                    String child = child(r, c);
                    if (srcKids.contains(c) || excluded(child)) continue;
                    writes += deleteTargetSubtree(child);
                    mirrored.remove(child);
                    diffs.add(child, "not on the source: deleted from the target");
                }
                List<String> kids = new ArrayList<>(srcKids);
                kids.sort(null);
                for (String c : kids) {
                    if (deep || !dstKids.contains(c)) frontier.add(child(r, c));
                }
                long targetCounter = d.exists() ? d.counter() : 0;
                if (s.counter() > targetCounter) counters.add(r);
            }
            writes += finish(pendingWrites, frontier);
        }
        writes += advanceCounters(counters, diffs);
        return writes;
    }

    private record Write(String rel, CompletableFuture<WireClient.Reply> reply) {
    }

    /** Waits for the writes of a batch; ones that raced with another change are looked at again. */
    private long finish(List<Write> writes, ArrayDeque<String> frontier) throws IOException {
        long done = 0;
        for (Write w : writes) {
            WireClient.Reply r = join(w.reply());
            if (r.err() == Znodes.OK) {
                done++;
            } else if (r.err() == Znodes.NODE_EXISTS || r.err() == Znodes.NO_NODE) {
                // The target changed under us (a parent went, a node came): compare it again.
                events.add(new Event(r.err() == Znodes.NO_NODE ? parent(w.rel()) : w.rel(), System.nanoTime()));
            } else if (r.err() == Znodes.NO_AUTH) {
                throw new IOException("the target refuses to write " + targetPath(w.rel()) + " (no permission: connect with --target-auth"
                        + " using the target's super digest)");
            } else {
                throw new IOException("the target answered error " + r.err() + " writing " + targetPath(w.rel()));
            }
        }
        return done;
    }

    /**
     * Moves each target parent's sequence counter up to the source's, by creating and deleting a
     * throwaway child as many times as the source created children the target will never get (those
     * deleted before the copy saw them, and ephemerals). Only when every other child of the source
     * is on the target already: a child still on its way would otherwise be counted twice.
     */
    private long advanceCounters(List<String> parents, Differences diffs) throws IOException {
        long writes = 0;
        for (int from = 0; from < parents.size(); from += BATCH) {
            List<String> batch = parents.subList(from, Math.min(parents.size(), from + BATCH));
            List<CompletableFuture<WireClient.Reply>> src = new ArrayList<>();
            List<CompletableFuture<WireClient.Reply>> dst = new ArrayList<>();
            for (String r : batch) src.add(Znodes.children(source, sourcePath(r)));
            for (String r : batch) dst.add(Znodes.children(target, targetPath(r)));
            for (int i = 0; i < batch.size(); i++) {
                String r = batch.get(i);
                GetChildren2Response s = children(join(src.get(i)));
                GetChildren2Response t = children(join(dst.get(i)));
                if (s == null || t == null) continue;
                long sc = counter(s);
                long tc = counter(t);
                if (sc <= tc || !onlyEphemeralsMissing(r, s.children(), t.children())) continue;
                diffs.add(r, "sequence counter " + tc + " behind the source's " + sc + ": advanced");
                String dummy = child(targetPath(r), COUNTER_NODE);
                for (long left = sc - tc; left > 0; ) {
                    int pairs = (int) Math.min(MULTI_PAIRS, left);
                    List<Request.MultiOp> ops = new ArrayList<>(pairs * 2);
                    for (int k = 0; k < pairs; k++) {
                        ops.add(new CreateRequest(dummy, null, OPEN, 0));
                        ops.add(new DeleteRequest(dummy, -1));
                    }
                    WireClient.Reply reply = join(Znodes.multi(target, ops));
                    if (reply.err() != Znodes.OK || !multiSucceeded(reply)) {
                        throw new IOException("cannot advance the sequence counter of " + targetPath(r)
                                + " (creating and deleting " + dummy + " failed: no CREATE and DELETE permission? use --target-auth)");
                    }
                    left -= pairs;
                    writes++;
                }
            }
        }
        return writes;
    }

    private boolean onlyEphemeralsMissing(String rel, List<String> sourceChildren, List<String> targetChildren) {
        Set<String> present = new HashSet<>(targetChildren);
        for (String c : sourceChildren) {
            String child = child(rel, c);
            if (!present.contains(c) && !ephemerals.contains(child) && !excluded(child)) return false;
        }
        return true;
    }

    private static GetChildren2Response children(WireClient.Reply r) throws IOException {
        if (r.err() != Znodes.OK) return null;
        try {
            return GetChildren2Response.read(r.body());
        } catch (JuteException e) {
            throw new IOException("malformed getChildren reply: " + e.getMessage(), e);
        }
    }

    private static long counter(GetChildren2Response c) {
        return (c.stat().cversion() + (long) c.stat().numChildren()) / 2;
    }

    private static boolean multiSucceeded(WireClient.Reply reply) {
        try {
            for (dev.meerkat.wire.proto.OpResult r : dev.meerkat.wire.proto.MultiResponse.read(reply.body()).results()) {
                if (r instanceof dev.meerkat.wire.proto.OpResult.ErrorResult) return false;
            }
            return true;
        } catch (JuteException e) {
            return false;
        }
    }

    /** Deletes a target subtree bottom-up, leaving the target's own ephemerals alone; returns the deletes. */
    private long deleteTargetSubtree(String rel) throws IOException {
        WireClient.Reply r = join(Znodes.children(target, targetPath(rel)));
        if (r.err() == Znodes.NO_NODE) return 0;
        if (r.err() != Znodes.OK) throw new IOException("cannot list " + targetPath(rel) + " on the target: error " + r.err());
        GetChildren2Response c;
        try {
            c = GetChildren2Response.read(r.body());
        } catch (JuteException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (c.stat().ephemeralOwner() != 0) return 0;
        long n = 0;
        for (String kid : c.children()) n += deleteTargetSubtree(child(rel, kid));
        WireClient.Reply d = join(Znodes.delete(target, targetPath(rel)));
        if (d.err() == Znodes.OK) return n + 1;
        if (d.err() == Znodes.NO_NODE) return n;
        throw new IOException("cannot delete " + targetPath(rel) + " on the target: error " + d.err());
    }

    // ---- paths ---------------------------------------------------------------------------------

    /** The copy leaves ZooKeeper's and Meerkat's own /zookeeper alone on either side. */
    private boolean excluded(String rel) {
        boolean rootInvolved = options.sourceRoot().equals("/") || options.targetRoot().equals("/");
        return rootInvolved && (rel.equals("/" + SYSTEM) || rel.startsWith("/" + SYSTEM + "/"));
    }

    private String sourcePath(String rel) {
        return join(options.sourceRoot(), rel);
    }

    private String targetPath(String rel) {
        return join(options.targetRoot(), rel);
    }

    /** A source path as a path relative to the copied root, or null when outside it. */
    private String relative(String sourcePath) {
        String root = options.sourceRoot();
        if (root.equals("/")) return sourcePath;
        if (sourcePath.equals(root)) return "/";
        if (sourcePath.startsWith(root + "/")) return sourcePath.substring(root.length());
        return null;
    }

    private static String join(String root, String rel) {
        if (root.equals("/")) return rel;
        return rel.equals("/") ? root : root + rel;
    }

    private static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    private static String parent(String path) {
        if (path.equals("/")) return null;
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private static int depth(String path) {
        int d = 0;
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) == '/') d++;
        return path.equals("/") ? 0 : d;
    }

    private static <T> T join(CompletableFuture<T> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
    }
}
