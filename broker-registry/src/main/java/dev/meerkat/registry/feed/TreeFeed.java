package dev.meerkat.registry.feed;

import dev.meerkat.core.api.EventType;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.node.AppliedListener;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.state.Applied;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.Znode;
import dev.meerkat.registry.kafka.KafkaPaths;
import java.util.concurrent.ArrayBlockingQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The registry's subscription to the node's committed entries.
 *
 * <p>On the tree thread it only picks the touched paths that may belong to a Kafka layout (a few
 * string tests), takes references to their data and stats, and offers the batch to a bounded
 * single-producer queue: no JSON, no locks, no waiting. When the queue is full it stops recording
 * and raises a flag; the registry thread then asks for a resync, which re-reads every Kafka znode on
 * the tree thread and restarts the feed from there, so a slow consumer costs a re-read, never memory.
 */
public final class TreeFeed implements AppliedListener {
    private final Node node;
    /**
     * JDK-only, so that a server runs without the JVM flags Agrona needs; only offer and poll are
     * used (neither ever waits), and only Kafka-relevant changes pass, so its lock is never contended.
     */
    private final ArrayBlockingQueue<TreeChange> queue;
    private final Runnable wakeConsumer;
    /** Written on the tree thread only; read by the consumer to know a resync is due. */
    private volatile boolean overflowed;

    public TreeFeed(Node node, int capacity, Runnable wakeConsumer) {
        this.node = node;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.wakeConsumer = wakeConsumer;
    }

    public void start() {
        node.subscribe(this);
    }

    public void stop() {
        node.unsubscribe(this);
    }

    @Override
    public void applied(long zxid, Proposal proposal, Applied applied, DataTree tree) {
        if (overflowed) return;
        List<ZnodeSnap> touched = null;
        for (WatchEvent ev : applied.events()) {
            if (ev.type() == EventType.NODE_CHILDREN_CHANGED || !KafkaPaths.mayMatter(ev.path())) continue;
            if (touched == null) touched = new ArrayList<>(4);
            else if (seen(touched, ev.path())) continue;
            touched.add(snap(tree, ev.path()));
        }
        if (touched == null) return;
        offer(new TreeChange(zxid, proposal.time(), causeOf(proposal.command()), touched));
    }

    /** A follower installed a snapshot from its leader: what we derived is stale, so read everything again. */
    @Override
    public void stateReplaced(DataTree tree, long lastApplied) {
        overflowed = true;
        wakeConsumer.run();
    }

    /**
     * Asks the tree thread for every Kafka znode; the result goes through the same queue, so it is
     * ordered with the entries around it. False when the node's inbox is full: ask again later.
     */
    public boolean requestResync() {
        return node.readTree((tree, lastApplied) -> {
            List<ZnodeSnap> all = new ArrayList<>();
            tree.forEachNode((path, z) -> {
                if (KafkaPaths.mayMatter(path)) all.add(new ZnodeSnap(path, z.data(), z.stat()));
            });
            // The consumer drained the queue before asking; once the image is in, entries after
            // lastApplied flow again behind it.
            TreeChange image = new TreeChange(lastApplied, System.currentTimeMillis(), new Cause.Resync(), all);
            overflowed = !queue.offer(image);
            wakeConsumer.run();
        });
    }

    public boolean overflowed() {
        return overflowed;
    }

    /** Takes what has arrived; called on the registry thread only. */
    public int drain(Consumer<TreeChange> sink, int limit) {
        int n = 0;
        for (TreeChange c; n < limit && (c = queue.poll()) != null; n++) sink.accept(c);
        return n;
    }

    private void offer(TreeChange change) {
        if (!queue.offer(change)) {
            overflowed = true;
        }
        wakeConsumer.run();
    }

    private static boolean seen(List<ZnodeSnap> touched, String path) {
        for (ZnodeSnap s : touched) if (s.path().equals(path)) return true;
        return false;
    }

    private static ZnodeSnap snap(DataTree tree, String path) {
        Znode z = tree.get(path);
        return z == null ? ZnodeSnap.absent(path) : new ZnodeSnap(path, z.data(), z.stat());
    }

    private static Cause causeOf(Command command) {
        if (command instanceof Command.CloseSession c) return new Cause.SessionClosed(c.sessionId(), c.expired());
        if (command instanceof Command.ClientWrite w) return new Cause.ClientWrite(w.sessionId());
        return new Cause.Internal();
    }
}
