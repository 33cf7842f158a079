package dev.meerkat.server.migrate.live;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.DeleteRequest;
import dev.meerkat.wire.proto.GetChildren2Response;
import dev.meerkat.wire.proto.MultiResponse;
import dev.meerkat.wire.proto.OpResult;
import dev.meerkat.wire.proto.Request;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The copy's algorithm: makes the target's znodes match the source's (data, ACL, children,
 * sequence counters), reading both sides in pipelined batches and writing what differs. Remembers
 * which copied znodes are in step, which are ephemerals of the source (never copied) and which it
 * may not read. Only the live copy's worker thread calls it.
 */
final class TreeSync {
    /** The child created and deleted to move a target parent's sequence counter forward. */
    static final String COUNTER_NODE = ".meerkat-live-copy-seq";
    private static final int BATCH = 256;
    private static final int MULTI_PAIRS = 400;
    private static final int LISTED_DIFFERENCES = 20;

    private final CopyPaths paths;
    private final PrintWriter out;
    private final PrintWriter err;
    private final int reportSeconds;
    /** A path to look at again later (the target changed under a write). */
    private final Consumer<String> requeue;
    private final Set<String> mirrored = new HashSet<>();
    private final Set<String> ephemerals = new HashSet<>();
    private final Set<String> unreadable = new HashSet<>();
    private WireClient source;
    private WireClient target;

    TreeSync(CopyPaths paths, PrintWriter out, PrintWriter err, int reportSeconds, Consumer<String> requeue) {
        this.paths = paths;
        this.out = out;
        this.err = err;
        this.reportSeconds = reportSeconds;
        this.requeue = requeue;
    }

    /** Persistent znodes known to be in step. */
    int mirrored() {
        return mirrored.size();
    }

    int ephemerals() {
        return ephemerals.size();
    }

    int unreadable() {
        return unreadable.size();
    }

    Differences differences(boolean list) {
        return new Differences(list, err);
    }

    /** Differences met in one pass, and which to list. */
    static final class Differences {
        private final boolean list;
        private final PrintWriter err;
        long count;

        Differences(boolean list, PrintWriter err) {
            this.list = list;
            this.err = err;
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
    long sync(WireClient source, WireClient target, List<String> start, boolean deep, Differences diffs) throws IOException {
        this.source = source;
        this.target = target;
        ArrayDeque<String> frontier = new ArrayDeque<>(start);
        Set<String> seen = new HashSet<>();
        List<String> counters = new ArrayList<>();
        long writes = 0;
        long progressAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(reportSeconds);
        while (!frontier.isEmpty()) {
            if (deep && System.nanoTime() > progressAt) {
                out.printf(Locale.ROOT, "live copy: comparing, %,d znodes so far, %,d to go%n", seen.size(), frontier.size());
                out.flush();
                progressAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(reportSeconds);
            }
            List<String> batch = new ArrayList<>(BATCH);
            while (batch.size() < BATCH && !frontier.isEmpty()) {
                String r = frontier.poll();
                if (seen.add(r) && !paths.excluded(r)) batch.add(r);
            }
            // Parents before children, so that pipelined creates find their parent.
            batch.sort(Comparator.comparingInt(CopyPaths::depth));
            List<CompletableFuture<Znodes.Read>> src = new ArrayList<>(batch.size());
            List<CompletableFuture<Znodes.Read>> dst = new ArrayList<>(batch.size());
            for (String r : batch) src.add(Znodes.read(source, paths.sourcePath(r), true));
            for (String r : batch) dst.add(Znodes.read(target, paths.targetPath(r), false));
            List<Write> pendingWrites = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                String r = batch.get(i);
                Znodes.Read s = Znodes.await(src.get(i));
                Znodes.Read d = Znodes.await(dst.get(i));
                if (s.err() == Znodes.NO_NODE) {
                    ephemerals.remove(r);
                    writes += removeFromTarget(r, d, diffs, "not on the source");
                    continue;
                }
                if (s.err() != Znodes.OK) {
                    if (unreadable.add(r)) err.println("live copy: cannot read " + paths.sourcePath(r) + " on the source (error " + s.err() + "); left as it is");
                    continue;
                }
                unreadable.remove(r);
                if (s.ephemeral()) {
                    ephemerals.add(r);
                    writes += removeFromTarget(r, d, diffs, "ephemeral on the source");
                    continue;
                }
                ephemerals.remove(r);
                if (!d.exists()) {
                    pendingWrites.add(new Write(r, Znodes.create(target, paths.targetPath(r), s.data(), s.acl())));
                    diffs.add(r, "missing on the target: created");
                } else {
                    if (!Arrays.equals(s.data(), d.data())) {
                        pendingWrites.add(new Write(r, Znodes.setData(target, paths.targetPath(r), s.data())));
                        diffs.add(r, "data differs: updated");
                    }
                    if (!s.acl().equals(d.acl())) {
                        pendingWrites.add(new Write(r, Znodes.setAcl(target, paths.targetPath(r), s.acl())));
                        diffs.add(r, "ACL differs: updated");
                    }
                }
                mirrored.add(r);
                Set<String> srcKids = new HashSet<>(s.children());
                Set<String> dstKids = d.exists() ? new HashSet<>(d.children()) : Set.of();
                for (String c : dstKids) {
                    String child = CopyPaths.child(r, c);
                    if (srcKids.contains(c) || paths.excluded(child)) continue;
                    writes += deleteTargetSubtree(child);
                    mirrored.remove(child);
                    diffs.add(child, "not on the source: deleted from the target");
                }
                List<String> kids = new ArrayList<>(srcKids);
                kids.sort(null);
                for (String c : kids) {
                    if (deep || !dstKids.contains(c)) frontier.add(CopyPaths.child(r, c));
                }
                long targetCounter = d.exists() ? d.counter() : 0;
                if (s.counter() > targetCounter) counters.add(r);
            }
            writes += finish(pendingWrites, frontier);
        }
        writes += advanceCounters(counters, diffs);
        return writes;
    }

    /** What the source does not have (as a persistent znode) goes from the target, unless it is the target's own ephemeral. */
    private long removeFromTarget(String rel, Znodes.Read onTarget, Differences diffs, String why) throws IOException {
        mirrored.remove(rel);
        if (!onTarget.exists() || onTarget.ephemeral()) return 0;
        diffs.add(rel, why + ": deleted from the target");
        return deleteTargetSubtree(rel);
    }

    private record Write(String rel, CompletableFuture<WireClient.Reply> reply) {
    }

    /** Waits for the writes of a batch; ones that raced with another change are looked at again. */
    private long finish(List<Write> writes, ArrayDeque<String> frontier) throws IOException {
        long done = 0;
        for (Write w : writes) {
            WireClient.Reply r = Znodes.await(w.reply());
            if (r.err() == Znodes.OK) {
                done++;
            } else if (r.err() == Znodes.NODE_EXISTS || r.err() == Znodes.NO_NODE) {
                // The target changed under us (a parent went, a node came): compare it again.
                requeue.accept(r.err() == Znodes.NO_NODE ? CopyPaths.parent(w.rel()) : w.rel());
            } else if (r.err() == Znodes.NO_AUTH) {
                throw new IOException("the target refuses to write " + paths.targetPath(w.rel()) + " (no permission: connect with --target-auth"
                        + " using the target's super digest)");
            } else {
                throw new IOException("the target answered error " + r.err() + " writing " + paths.targetPath(w.rel()));
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
            for (String r : batch) src.add(Znodes.children(source, paths.sourcePath(r)));
            for (String r : batch) dst.add(Znodes.children(target, paths.targetPath(r)));
            for (int i = 0; i < batch.size(); i++) {
                String r = batch.get(i);
                GetChildren2Response s = children(Znodes.await(src.get(i)));
                GetChildren2Response t = children(Znodes.await(dst.get(i)));
                if (s == null || t == null) continue;
                long sc = counter(s);
                long tc = counter(t);
                if (sc <= tc || !onlyEphemeralsMissing(r, s.children(), t.children())) continue;
                diffs.add(r, "sequence counter " + tc + " behind the source's " + sc + ": advanced");
                String dummy = CopyPaths.child(paths.targetPath(r), COUNTER_NODE);
                for (long left = sc - tc; left > 0; ) {
                    int pairs = (int) Math.min(MULTI_PAIRS, left);
                    List<Request.MultiOp> ops = new ArrayList<>(pairs * 2);
                    for (int k = 0; k < pairs; k++) {
                        ops.add(new CreateRequest(dummy, null, Znodes.OPEN, 0));
                        ops.add(new DeleteRequest(dummy, -1));
                    }
                    WireClient.Reply reply = Znodes.await(Znodes.multi(target, ops));
                    if (reply.err() != Znodes.OK || !multiSucceeded(reply)) {
                        throw new IOException("cannot advance the sequence counter of " + paths.targetPath(r)
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
            String child = CopyPaths.child(rel, c);
            if (!present.contains(c) && !ephemerals.contains(child) && !paths.excluded(child)) return false;
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
            for (OpResult r : MultiResponse.read(reply.body()).results()) {
                if (r instanceof OpResult.ErrorResult) return false;
            }
            return true;
        } catch (JuteException e) {
            return false;
        }
    }

    /** Deletes a target subtree bottom-up, leaving the target's own ephemerals alone; returns the deletes. */
    private long deleteTargetSubtree(String rel) throws IOException {
        WireClient.Reply r = Znodes.await(Znodes.children(target, paths.targetPath(rel)));
        if (r.err() == Znodes.NO_NODE) return 0;
        if (r.err() != Znodes.OK) throw new IOException("cannot list " + paths.targetPath(rel) + " on the target: error " + r.err());
        GetChildren2Response c;
        try {
            c = GetChildren2Response.read(r.body());
        } catch (JuteException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (c.stat().ephemeralOwner() != 0) return 0;
        long n = 0;
        for (String kid : c.children()) n += deleteTargetSubtree(CopyPaths.child(rel, kid));
        WireClient.Reply d = Znodes.await(Znodes.delete(target, paths.targetPath(rel)));
        if (d.err() == Znodes.OK) return n + 1;
        if (d.err() == Znodes.NO_NODE) return n;
        throw new IOException("cannot delete " + paths.targetPath(rel) + " on the target: error " + d.err());
    }

}
