package dev.meerkat.wire.server;

import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.query.Query;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ReplyHeader;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.transport.EventLoop;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection's requests, from arrival until their replies are written, keeping ZooKeeper's
 * ordering promises:
 * <ul>
 *   <li>replies leave in request order (a client drops the connection on an out-of-order xid);</li>
 *   <li>a read waits until this session's earlier writes are applied (per-session FIFO): it rides
 *       on the last write and is answered on the tree thread right after it, while later writes
 *       flow on;</li>
 *   <li>a sync (a read barrier through the leader) waits for this session's earlier writes, and
 *       later reads wait for it.</li>
 * </ul>
 * Confined to the connection's event loop, except for the completions, which run on the tree thread.
 */
final class RequestPipeline {

    /** What the pipeline needs of its connection. */
    interface Connection extends GlobalThrottle.Throttled {
        long sessionId();

        dev.meerkat.core.watch.Watcher watcher();

        /** Writes replies in one buffer (back-pressure is the connection's business). */
        void write(byte[] replies);

        /** One reply left: for the connection's and the server's statistics. */
        void replied(int xid, long zxid, int opcode, boolean write, long latencyNanos, int bytes, long nowMs);

        /** A reply that ends the connection was written: close once it is out. */
        void endAfterReplies();

        void pauseReading();

        void maybeResumeReading();

        boolean isClosed();

        /** Whether the socket holds as much unsent data as it should: stop writing until it drains. */
        boolean writeQueueFull();

        /** Bytes written to the socket and not yet taken by it. */
        long unsentBytes();

        /** The client owes more than {@link ConnectionLimits#maxOutboundBytes}: if it has stopped reading, it goes. */
        void outboundLimitExceeded(long owedBytes);

        /** A reply was computed for a request; {@code reply} is what goes back (for metrics and audit). */
        void answered(Request request, Reply reply, List<AuthId> ids);

        /** Code run on the tree thread for this connection threw: the connection must go, not the node. */
        void failedInternally(Throwable t);
    }

    private enum Kind { WRITE, SYNC, READ, LOCAL }

    private static final Object CLOSED = new Object();

    /** One request from arrival until its reply is written. */
    static final class Slot {
        final int xid;
        final Request request;
        final Kind kind;
        final Object work;
        final List<AuthId> ids;
        final long startNanos = System.nanoTime();
        Reply reply;
        long zxid;
        boolean done;
        boolean closeAfter;
        /** The reply's size on the wire, once computed: what it costs while it waits for the socket. */
        long replyBytes;
        /**
         * For a write: reads that arrived behind it, answered in its completion on the tree thread.
         * Holds a List of slots, or {@link #CLOSED} once the write has completed.
         */
        final AtomicReference<Object> followers = new AtomicReference<>(List.of());

        private Slot(int xid, Request request, Kind kind, Object work, List<AuthId> ids) {
            this.xid = xid;
            this.request = request;
            this.kind = kind;
            this.work = work;
            this.ids = ids;
        }
    }

    private final Connection connection;
    private final EventLoop loop;
    private final Node node;
    private final ServerMetrics metrics;
    private final int maxOutstanding;
    private final ConnectionLimits limits;
    private final GlobalThrottle throttle;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    /** Bytes of the replies computed and not yet written. */
    private long heldBytes;
    /** Reads submitted (or riding on a write) whose replies are not yet computed. */
    private int readsInFlight;
    private final ArrayDeque<Slot> unsubmitted = new ArrayDeque<>();
    private boolean retryScheduled;
    private int writesInFlight;
    /** The session's latest write not yet known complete here; later reads wait on it. */
    private Slot lastWrite;

    RequestPipeline(Connection connection, EventLoop loop, Node node, ServerMetrics metrics, int maxOutstanding,
                    ConnectionLimits limits, GlobalThrottle throttle) {
        this.connection = connection;
        this.loop = loop;
        this.node = node;
        this.metrics = metrics;
        this.maxOutstanding = maxOutstanding;
        this.limits = limits;
        this.throttle = throttle;
    }

    /** Reads go to this server's state as it is, never through the leader (a read-only session). */
    void readLocally() {
        readLocally = true;
    }

    private boolean readLocally;

    int queued() {
        return slots.size();
    }

    /** Bytes this connection's client owes: replies in the socket and replies waiting for it. */
    long owedBytes() {
        return heldBytes + connection.unsentBytes();
    }

    /** Whether there is room to read more requests (here, and in the server as a whole). */
    boolean hasRoom() {
        return slots.size() < maxOutstanding / 2 + 1 && throttle.allows(slots.size()) && owedBytes() <= limits.outboundSoftLimit();
    }

    /** The socket has drained: write what waits, and run what waited for room. */
    void drained() {
        if (connection.isClosed()) return;
        pump();
    }

    // ---- arrivals ----------------------------------------------------------------------------------

    void write(int xid, Request request, WriteOp op, List<AuthId> ids) {
        enqueue(new Slot(xid, request, op instanceof WriteOp.Sync ? Kind.SYNC : Kind.WRITE, op, ids), null);
    }

    /** A reconfig: ordered as a write, answered with the new configuration. */
    void reconfig(int xid, Request request, dev.meerkat.core.cluster.ReconfigSpec spec, List<AuthId> ids) {
        enqueue(new Slot(xid, request, Kind.WRITE, spec, ids), null);
    }

    void closeSession(int xid, Request request, List<AuthId> ids) {
        Slot slot = new Slot(xid, request, Kind.WRITE, null, ids);
        slot.closeAfter = true;
        enqueue(slot, null);
    }

    void read(int xid, Request request, Query query, List<AuthId> ids) {
        enqueue(new Slot(xid, request, Kind.READ, query, ids), null);
    }

    /** A request answered by the connection itself, in its turn; {@code closeAfter} ends the connection after it. */
    void local(int xid, Request request, Reply reply, List<AuthId> ids, boolean closeAfter) {
        Slot slot = new Slot(xid, request, Kind.LOCAL, null, ids);
        slot.closeAfter = closeAfter;
        enqueue(slot, reply);
    }

    private void enqueue(Slot slot, Reply localReply) {
        slots.add(slot);
        metrics.outstanding.incrementAndGet();
        if (slot.kind == Kind.LOCAL) {
            slot.reply = localReply;
            slot.zxid = node.lastApplied();
        }
        unsubmitted.add(slot);
        if (slots.size() >= maxOutstanding) connection.pauseReading();
        if (!throttle.allows(slots.size())) connection.pauseReading();
        pump();
    }

    // ---- submission ----------------------------------------------------------------------------

    /**
     * Submits waiting requests in order. A read behind one of this session's unapplied writes rides
     * on that write (answered right after it is applied); writes after it are not held back.
     */
    private void pump() {
        while (!unsubmitted.isEmpty()) {
            Slot slot = unsubmitted.peek();
            // A sync's read index must cover this session's earlier writes: it goes once they are applied.
            if (slot.kind == Kind.SYNC && writesInFlight > 0) return;
            if (slot.kind == Kind.READ) {
                // Replies a client has not taken yet must not pile up: reads wait while it owes a lot
                // (they run again when the socket drains), and only so many are computed ahead.
                if (readsInFlight >= ConnectionLimits.MAX_READS_AHEAD || owedBytes() > limits.outboundSoftLimit()) break;
            }
            if (slot.kind == Kind.READ && writesInFlight > 0) {
                if (lastWrite == null) return; // cannot tell which write to follow: wait for the completions
                if (attachToLastWrite(slot)) {
                    readsInFlight++;
                    unsubmitted.poll();
                    continue;
                }
            }
            if (!submit(slot)) {
                // The core's inbox is full: back off briefly rather than queue without bound.
                if (!retryScheduled) {
                    retryScheduled = true;
                    loop.setTimer(1, () -> {
                        retryScheduled = false;
                        pump();
                    });
                }
                return;
            }
            unsubmitted.poll();
        }
        flush();
    }

    @SuppressWarnings("unchecked")
    private boolean attachToLastWrite(Slot read) {
        Slot write = lastWrite;
        while (true) {
            Object current = write.followers.get();
            // The write is already applied: a plain query now is ordered after it.
            if (current == CLOSED) return false;
            List<Slot> next = new ArrayList<>((List<Slot>) current);
            next.add(read);
            if (write.followers.compareAndSet(current, List.copyOf(next))) return true;
        }
    }

    private boolean submit(Slot slot) {
        long sessionId = connection.sessionId();
        switch (slot.kind) {
            case LOCAL -> {
                slot.done = true;
                return true;
            }
            case READ -> {
                dev.meerkat.core.node.Completion<dev.meerkat.core.query.QueryResult> done =
                        (result, zxid) -> loop.execute(() -> readDone(slot, ResultTranslator.read(slot.request, result), zxid));
                boolean ok = readLocally ? node.queryLocal(sessionId, slot.ids, (Query) slot.work, connection.watcher(), done)
                        : node.query(sessionId, slot.ids, (Query) slot.work, connection.watcher(), done);
                if (ok) readsInFlight++;
                return ok;
            }
            default -> {
                boolean ok;
                if (slot.closeAfter) {
                    ok = node.closeSession(sessionId, (result, zxid) -> writeApplied(slot, result, zxid));
                } else if (slot.work instanceof dev.meerkat.core.cluster.ReconfigSpec spec) {
                    ok = node.reconfig(sessionId, slot.ids, spec, (result, zxid) -> writeApplied(slot, result, zxid));
                } else {
                    ok = node.write(sessionId, slot.ids, (WriteOp) slot.work, (result, zxid) -> writeApplied(slot, result, zxid));
                }
                if (ok) {
                    writesInFlight++;
                    lastWrite = slot;
                }
                return ok;
            }
        }
    }

    /** Runs on the tree thread when a write is applied: answers the reads that waited on it, then hops home. */
    private void writeApplied(Slot write, OpResult result, long zxid) {
        try {
            answerWrite(write, result, zxid);
        } catch (RuntimeException e) {
            connection.failedInternally(e);
        }
    }

    @SuppressWarnings("unchecked")
    private void answerWrite(Slot write, OpResult result, long zxid) {
        List<Slot> reads = (List<Slot>) write.followers.getAndSet(CLOSED);
        Reply writeReply = ResultTranslator.write(write.request, result);
        if (reads.isEmpty()) {
            loop.execute(() -> complete(write, writeReply, zxid, true));
            return;
        }
        long sessionId = connection.sessionId();
        Reply[] readReplies = new Reply[reads.size()];
        for (int i = 0; i < reads.size(); i++) {
            Slot r = reads.get(i);
            readReplies[i] = ResultTranslator.read(r.request, node.answerNow(sessionId, r.ids, (Query) r.work, connection.watcher()));
        }
        long readZxid = node.lastApplied();
        loop.execute(() -> {
            for (int i = 0; i < readReplies.length; i++) {
                Slot r = reads.get(i);
                readsInFlight--;
                settle(r, readReplies[i], readZxid);
            }
            complete(write, writeReply, zxid, true);
        });
    }

    private void readDone(Slot slot, Reply reply, long zxid) {
        readsInFlight--;
        complete(slot, reply, zxid, false);
    }

    private void complete(Slot slot, Reply reply, long zxid, boolean write) {
        settle(slot, reply, zxid);
        if (write) {
            writesInFlight--;
            if (lastWrite == slot) lastWrite = null;
        }
        if (connection.isClosed()) return;
        if (owedBytes() > limits.maxOutboundBytes()) connection.outboundLimitExceeded(owedBytes());
        pump();
    }

    private void settle(Slot slot, Reply reply, long zxid) {
        slot.reply = reply;
        slot.zxid = zxid;
        slot.done = true;
        slot.replyBytes = ResultTranslator.wireSize(reply);
        heldBytes += slot.replyBytes;
        connection.answered(slot.request, reply, slot.ids);
    }

    // ---- replies -----------------------------------------------------------------------------

    /**
     * Writes the finished replies at the head, in order, in buffers of up to {@link #WRITE_CHUNK}
     * bytes, for as long as the socket takes them; the rest wait (as computed results, sharing the
     * tree's data) until it drains. So a client that reads slowly costs a socket buffer, not a copy
     * of every reply it has not read.
     */
    private void flush() {
        if (slots.isEmpty() || !slots.peek().done || connection.isClosed()) return;
        long owedBefore = owedBytes();
        boolean closeAfter = false;
        int released = 0;
        JuteOutput jute = replyScratch();
        try {
            while (!slots.isEmpty() && slots.peek().done && !closeAfter && !connection.writeQueueFull()) {
                jute.reset();
                long now = System.nanoTime();
                long nowMs = System.currentTimeMillis();
                while (!slots.isEmpty() && slots.peek().done && jute.size() < WRITE_CHUNK) {
                    Slot s = slots.poll();
                    released++;
                    heldBytes -= s.replyBytes;
                    int start = jute.size();
                    int mark = jute.beginFrame();
                    new ReplyHeader(s.xid, s.zxid, s.reply.err()).write(jute);
                    if (s.reply.hasBody()) s.reply.body().write(jute);
                    jute.endFrame(mark);
                    int opcode = s.request == null ? dev.meerkat.wire.proto.OpCode.ERROR : s.request.opcode();
                    connection.replied(s.xid, s.zxid, opcode, s.kind == Kind.WRITE, now - s.startNanos, jute.size() - start, nowMs);
                    if (s.closeAfter) {
                        closeAfter = true;
                        break;
                    }
                }
                connection.write(jute.toByteArray());
            }
        } finally {
            returnReplyScratch(jute);
        }
        metrics.outstanding.addAndGet(-released);
        throttle.released();
        if (closeAfter) {
            connection.endAfterReplies();
            return;
        }
        // Replies the kernel took at once brought what the client owes under the soft limit: the
        // reads held back for it go now (no socket callback will say so: nothing is left queued).
        long soft = limits.outboundSoftLimit();
        if (owedBefore > soft && owedBytes() <= soft && !unsubmitted.isEmpty()) pump();
        connection.maybeResumeReading();
    }

    private static final int WRITE_CHUNK = 256 << 10;
    /**
     * Each event loop encodes its replies in one buffer of its own, reused from flush to flush (the
     * bytes leave in a copy that the socket owns). One that a large reply grew past this is dropped.
     */
    private static final int REPLY_SCRATCH_KEPT_BYTES = 2 * WRITE_CHUNK;
    private static final ThreadLocal<JuteOutput[]> REPLY_SCRATCH = ThreadLocal.withInitial(() -> new JuteOutput[]{new JuteOutput(4096)});

    /** The loop's reply buffer, emptied; {@link #returnReplyScratch} gives it back. A nested flush gets one of its own. */
    private static JuteOutput replyScratch() {
        JuteOutput[] holder = REPLY_SCRATCH.get();
        JuteOutput jute = holder[0];
        if (jute == null) return new JuteOutput(256);
        holder[0] = null;
        jute.reset();
        return jute;
    }

    private static void returnReplyScratch(JuteOutput jute) {
        JuteOutput[] holder = REPLY_SCRATCH.get();
        if (holder[0] == null) holder[0] = jute.capacity() > REPLY_SCRATCH_KEPT_BYTES ? new JuteOutput(4096) : jute;
    }

    /** The connection is gone: nothing more is answered. */
    void clear() {
        metrics.outstanding.addAndGet(-slots.size());
        slots.clear();
        heldBytes = 0;
        throttle.released();
        unsubmitted.clear();
    }
}
