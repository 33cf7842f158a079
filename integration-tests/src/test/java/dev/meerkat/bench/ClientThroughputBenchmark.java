package dev.meerkat.bench;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client throughput and latency of Meerkat against Apache ZooKeeper 3.9.5, same workload, same
 * machine, same JVM run, one server after the other. Not a test (surefire never runs it): a main.
 *
 * <p>Each workload runs with N concurrent clients (one official ZooKeeper client, i.e. one TCP
 * connection and session, each), every client using the async API with at most {@code OUTSTANDING}
 * requests in flight. A warm-up precedes every measurement. Both servers are durable: Meerkat syncs
 * its Chronicle log before answering a write, ZooKeeper fsyncs its txn log (default forceSync=yes).
 *
 * <pre>
 *   java $FLAGS -cp $CP dev.meerkat.bench.ClientThroughputBenchmark [measure-seconds] [warmup-seconds] [work-dir]
 * </pre>
 */
public final class ClientThroughputBenchmark {

    static final int OUTSTANDING = 100;
    static final int KEYS = 1000;
    static final byte[] DATA = new byte[100];
    /** {@code -Dbench.clients=1,8} and {@code -Dbench.workloads=mixed90r10w} narrow a run (for profiling). */
    static final int[] CLIENTS = Arrays.stream(System.getProperty("bench.clients", "1,8,32").split(",")).mapToInt(Integer::parseInt).toArray();
    static final String[] WORKLOADS = System.getProperty("bench.workloads", "create,setData,getData,exists,mixed90r10w").split(",");

    record Result(double opsPerSec, double p50Ms, double p99Ms, long ops, long errors) {
    }

    public static void main(String[] args) throws Exception {
        double measure = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 1;
        Path work = args.length > 2 ? Files.createDirectories(Path.of(args[2])) : Files.createTempDirectory("meerkat-bench");
        ThreadLocalRandom.current().nextBytes(DATA);
        System.out.printf(Locale.ROOT, "work dir %s; %.1f s measure, %.1f s warm-up, %d outstanding per client, %d-byte data, %d cores%n",
                work, measure, warmup, OUTSTANDING, DATA.length, Runtime.getRuntime().availableProcessors());

        Map<String, Result> meerkat = new LinkedHashMap<>();
        Map<String, Result> zookeeper = new LinkedHashMap<>();
        // Both servers run for the whole benchmark (the idle one costs nothing) and every workload is
        // measured on one right after the other, so a change in machine load hits both alike.
        try (Meerkat m = Meerkat.start(ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1")
                .withDataDir(Files.createTempDirectory(work, "meerkat-")));
             ReferenceZooKeeper zk = ReferenceZooKeeper.start(Files.createTempDirectory(work, "zookeeper-"))) {
            for (int n : CLIENTS) {
                List<ZooKeeper> mc = connect(m.connectString(), n);
                List<ZooKeeper> zc = connect(zk.connectString(), n);
                try {
                    String base = "/bench-" + n;
                    setUp(mc, base);
                    setUp(zc, base);
                    int round = 0;
                    for (String workload : WORKLOADS) {
                        // Alternate who goes first, so neither always inherits the other's leftovers (GC, page cache).
                        boolean meerkatFirst = round++ % 2 == 0;
                        for (int i = 0; i < 2; i++) {
                            boolean isMeerkat = (i == 0) == meerkatFirst;
                            Result r = measure(isMeerkat ? mc : zc, base, workload, measure, warmup);
                            (isMeerkat ? meerkat : zookeeper).put(workload + "/" + n, r);
                            System.out.printf(Locale.ROOT, "%-9s %-12s N=%-2d %,10.0f ops/s  p50 %6.2f ms  p99 %7.2f ms  (%,d ops, %d errors)%n",
                                    isMeerkat ? "meerkat" : "zookeeper", workload, n, r.opsPerSec, r.p50Ms, r.p99Ms, r.ops, r.errors);
                        }
                    }
                } finally {
                    for (ZooKeeper c : mc) c.close();
                    for (ZooKeeper c : zc) c.close();
                }
            }
        }

        System.out.println();
        System.out.println("| workload | clients | Meerkat ops/s | ZooKeeper ops/s | ratio M/ZK | Meerkat p50 / p99 ms | ZooKeeper p50 / p99 ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String key : meerkat.isEmpty() ? zookeeper.keySet() : meerkat.keySet()) {
            Result m = meerkat.get(key);
            Result z = zookeeper.get(key);
            String[] parts = key.split("/");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", parts[0], parts[1],
                    m == null ? "-" : String.format(Locale.ROOT, "%,.0f", m.opsPerSec),
                    z == null ? "-" : String.format(Locale.ROOT, "%,.0f", z.opsPerSec),
                    m == null || z == null ? "-" : String.format(Locale.ROOT, "%.2f", m.opsPerSec / z.opsPerSec),
                    m == null ? "-" : String.format(Locale.ROOT, "%.2f / %.2f", m.p50Ms, m.p99Ms),
                    z == null ? "-" : String.format(Locale.ROOT, "%.2f / %.2f", z.p50Ms, z.p99Ms));
        }
        System.exit(0);
    }

    static void setUp(List<ZooKeeper> clients, String base) throws Exception {
        ZooKeeper first = clients.get(0);
        first.create(base, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        first.create(base + "/keys", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int c = 0; c < clients.size(); c++) {
            first.create(base + "/c" + c, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        CountDownLatch made = new CountDownLatch(KEYS);
        for (int k = 0; k < KEYS; k++) {
            first.create(key(base, k), DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) -> made.countDown(), null);
        }
        if (!made.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("keys not created");
    }

    static Result measure(List<ZooKeeper> clients, String base, String workload, double seconds, double warmup) throws Exception {
        AtomicLong[] seq = new AtomicLong[clients.size()];
        for (int c = 0; c < seq.length; c++) seq[c] = new AtomicLong();
        run(clients, base, workload, warmup, seq);
        return run(clients, base, workload, seconds, seq);
    }

    private static String key(String base, int k) {
        return base + "/keys/k" + k;
    }

    static List<ZooKeeper> connect(String connect, int n) throws Exception {
        List<ZooKeeper> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper(connect, 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
            });
            if (!connected.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + connect);
            clients.add(zk);
        }
        return clients;
    }

    /** Per-client latency samples; written by that client's event thread only, read after it drained. */
    private static final class Samples {
        long[] nanos = new long[1 << 16];
        int size;
        long errors;

        void add(long v) {
            if (size == nanos.length) nanos = Arrays.copyOf(nanos, size * 2);
            nanos[size++] = v;
        }
    }

    private static Result run(List<ZooKeeper> clients, String base, String workload, double seconds, AtomicLong[] seq) throws Exception {
        int n = clients.size();
        Samples[] samples = new Samples[n];
        Semaphore[] permits = new Semaphore[n];
        Thread[] drivers = new Thread[n];
        long[] deadline = {0};
        long start = System.nanoTime();
        deadline[0] = start + (long) (seconds * 1e9);
        for (int c = 0; c < n; c++) {
            int client = c;
            samples[c] = new Samples();
            permits[c] = new Semaphore(OUTSTANDING);
            ZooKeeper zk = clients.get(c);
            Samples s = samples[c];
            Semaphore permit = permits[c];
            drivers[c] = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                String prefix = base + "/c" + client + "/n";
                while (System.nanoTime() < deadline[0]) {
                    try {
                        permit.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long t0 = System.nanoTime();
                    String op = workload;
                    if (op.equals("mixed90r10w")) op = rnd.nextInt(10) == 0 ? "setData" : "getData";
                    switch (op) {
                        case "create" -> zk.create(prefix + seq[client].incrementAndGet(), DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                                (rc, p, ctx, name) -> done(s, permit, rc, t0), null);
                        case "setData" -> zk.setData(key(base, rnd.nextInt(KEYS)), DATA, -1, (rc, p, ctx, stat) -> done(s, permit, rc, t0), null);
                        case "getData" -> zk.getData(key(base, rnd.nextInt(KEYS)), false, (rc, p, ctx, data, stat) -> done(s, permit, rc, t0), null);
                        case "exists" -> zk.exists(key(base, rnd.nextInt(KEYS)), false, (rc, p, ctx, stat) -> done(s, permit, rc, t0), null);
                        default -> throw new IllegalArgumentException(op);
                    }
                }
            }, "driver-" + c);
            drivers[c].start();
        }
        for (Thread t : drivers) t.join();
        long end = System.nanoTime();
        // Wait for what is still in flight; it counts (it was issued inside the window) and so does its time.
        for (Semaphore p : permits) {
            if (!p.tryAcquire(OUTSTANDING, 60, TimeUnit.SECONDS)) throw new IllegalStateException("requests never answered");
        }
        long drained = System.nanoTime();
        long total = 0;
        long errors = 0;
        for (Samples s : samples) {
            total += s.size;
            errors += s.errors;
        }
        long[] all = new long[(int) total];
        int at = 0;
        for (Samples s : samples) {
            System.arraycopy(s.nanos, 0, all, at, s.size);
            at += s.size;
        }
        Arrays.sort(all);
        double elapsed = (drained - start) / 1e9;
        return new Result(total / elapsed, pct(all, 0.50), pct(all, 0.99), total, errors);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static void done(Samples s, Semaphore permit, int rc, long t0) {
        s.add(System.nanoTime() - t0);
        if (rc != KeeperException.Code.OK.intValue()) s.errors++;
        permit.release();
    }
}
