package dev.meerkat.it.cluster;

import dev.meerkat.it.cluster.LinearizabilityChecker.Op;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrent writes and synced reads of one register, under leader kills and partitions, recorded
 * as a history and checked for linearizability. The checker must also catch a deliberately broken
 * server (one whose sync is answered locally, without the leader's read index).
 */
class LinearizabilityTest {

    /** One client recording what it did to /reg: blind writes of unique values, or a sync followed by a read. */
    static final class RegisterClient {
        final int id;
        final ZooKeeper zk;

        RegisterClient(int id, String connectString) throws Exception {
            this.id = id;
            this.zk = EnsembleSmokeTest.connect(connectString);
        }

        /** A write, recorded with an unknown outcome if its answer was lost. */
        Op write(long value) throws InterruptedException {
            long invoke = System.nanoTime();
            try {
                zk.setData("/reg", encode(value), -1);
                return new Op(id, true, value, invoke, System.nanoTime());
            } catch (KeeperException e) {
                // Connection loss (or a session that moved meanwhile): it may or may not have happened.
                return new Op(id, true, value, invoke, Long.MAX_VALUE);
            }
        }

        /** A synced read, or null when the sync or the read failed (then it promised nothing). */
        Op read() throws InterruptedException {
            long invoke = System.nanoTime();
            CompletableFuture<Integer> synced = new CompletableFuture<>();
            zk.sync("/reg", (rc, path, ctx) -> synced.complete(rc), null);
            try {
                if (synced.get(20, TimeUnit.SECONDS) != 0) return null;
                long value = decode(zk.getData("/reg", false, null));
                return new Op(id, false, value, invoke, System.nanoTime());
            } catch (KeeperException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return null;
            }
        }

        void close() throws InterruptedException {
            zk.close();
        }
    }

    static byte[] encode(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long decode(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    @Test
    void historiesUnderLeaderKillsAndPartitionsAreLinearizable() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(1000), RunDirs.fresh("linearizability"))) {
            try (ZooKeeper setup = EnsembleSmokeTest.connect(e.connectString())) {
                setup.create("/reg", encode(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            ConcurrentLinkedQueue<Op> history = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> workers = new ArrayList<>();
            List<RegisterClient> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                RegisterClient client = new RegisterClient(c, e.connectString());
                clients.add(client);
                boolean writer = c < 3;
                Thread t = new Thread(() -> {
                    long n = 0;
                    try {
                        while (!stop.get()) {
                            Op op = writer ? client.write(client.id * 1_000_000L + ++n) : client.read();
                            if (op != null) history.add(op);
                        }
                    } catch (InterruptedException ignored) {
                        // stopping
                    }
                }, "register-" + c);
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
            // The fault schedule advances with the history, not with the clock.
            progress(history, 150);
            int leader = e.leader();
            e.kill(leader);
            progress(history, 150);
            e.restart(leader);
            progress(history, 150);
            int second = e.leader();
            e.partition(Set.of(second));
            progress(history, 150);
            e.heal();
            e.awaitAllServing(Duration.ofSeconds(30));
            progress(history, 100);
            int third = e.leader();
            int follower = e.ids().stream().filter(id -> id != third).findFirst().orElseThrow();
            e.partition(Set.of(follower));
            progress(history, 150);
            e.heal();
            progress(history, 100);
            stop.set(true);
            for (Thread t : workers) t.join(30_000);
            for (RegisterClient c : clients) c.close();

            List<Op> ops = new ArrayList<>(history);
            long unknown = ops.stream().filter(o -> !o.completed()).count();
            long reads = ops.stream().filter(o -> !o.write()).count();
            LinearizabilityChecker.Result result = checkOnBigStack(ops);
            System.out.printf("[linearizability] %d operations (%d synced reads, %d writes of which %d with unknown outcome),"
                    + " %d search steps: %s%n", ops.size(), reads, ops.size() - reads, unknown, result.explored(),
                    result.linearizable() ? "linearizable" : "NOT linearizable");
            assertThat(result.linearizable()).as(result.explanation()).isTrue();
            assertThat(reads).as("reads were checked").isGreaterThan(100);
        }
    }

    @Test
    void aServerWhoseSyncDoesNotAskTheLeaderIsCaught() throws Exception {
        assertThat(staleReadScenario(true).linearizable()).as("the checker catches the broken sync").isFalse();
    }

    @Test
    void theSameScenarioOnACorrectServerIsLinearizable() throws Exception {
        LinearizabilityChecker.Result r = staleReadScenario(false);
        assertThat(r.linearizable()).as(r.explanation()).isTrue();
    }

    /**
     * A follower is cut off; a write completes on the majority; then a client of the follower syncs
     * and reads. A correct sync cannot complete (the leader is out of reach); a broken one answers
     * from the stale follower.
     */
    private static LinearizabilityChecker.Result staleReadScenario(boolean broken) throws Exception {
        MeerkatEnsemble.Options options = MeerkatEnsemble.Options.of(3).withTickTime(1000);
        if (broken) options = options.withJvmArgs("-Dmeerkat.unsafe.localSync=true");
        try (MeerkatEnsemble e = MeerkatEnsemble.start(options, RunDirs.fresh(broken ? "linearizability-broken" : "linearizability-scenario"))) {
            int leader = e.leader();
            int follower = leader == 3 ? 2 : 3;
            List<Op> history = new ArrayList<>();
            RegisterClient writer = new RegisterClient(1, e.connectString(leader));
            RegisterClient reader = new RegisterClient(2, e.connectString(follower));
            writer.zk.create("/reg", encode(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            history.add(writer.write(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Op r = reader.read();
                return r != null && r.value() == 1;
            });
            e.partition(Set.of(follower));
            history.add(writer.write(2));
            Op read = reader.read();
            if (read != null) history.add(read);
            writer.close();
            reader.close();
            return LinearizabilityChecker.check(history, 0);
        }
    }

    private static void progress(ConcurrentLinkedQueue<Op> history, int more) {
        int target = history.size() + more;
        await("the clients make progress").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> history.size() >= target);
    }

    /** The search recurses once per operation: give it room. */
    static LinearizabilityChecker.Result checkOnBigStack(List<Op> ops) throws Exception {
        CompletableFuture<LinearizabilityChecker.Result> out = new CompletableFuture<>();
        Thread t = new Thread(null, () -> {
            try {
                out.complete(LinearizabilityChecker.check(ops, 0));
            } catch (Throwable x) {
                out.completeExceptionally(x);
            }
        }, "linearizability-checker", 512L << 20);
        t.start();
        return out.get(5, TimeUnit.MINUTES);
    }
}
