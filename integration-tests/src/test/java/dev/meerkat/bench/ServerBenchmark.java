package dev.meerkat.bench;

import dev.meerkat.bench.load.LeanLoad;
import dev.meerkat.bench.load.Mix;
import dev.meerkat.bench.load.OfficialLoad;
import dev.meerkat.bench.load.ServerProcess;
import dev.meerkat.bench.load.ServerProcess.Kind;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Issue 13's table, measured as a user runs the servers: Meerkat as {@code java -jar meerkat.jar}
 * and Apache ZooKeeper 3.9.5 as {@code QuorumPeerMain} (forceSync=yes), each in a JVM of its own,
 * pinned to the CPUs in {@code -Dbench.serverCpus} (default "0"); run this JVM pinned to the other
 * core ({@code taskset -c 1 java ...}). Every figure is measured on both servers one right after the
 * other (order alternating), {@code -Dbench.repeat} times (median reported), and every throughput
 * figure with both load generators (the lean one, {@link LeanLoad}, and the official client).
 *
 * <pre>
 *   taskset -c 1 java -cp $CP dev.meerkat.bench.ServerBenchmark [work-dir]
 *   -Dbench.sections=throughput,memory,start   -Dbench.repeat=3   -Dbench.measureSec=5 -Dbench.warmupSec=2
 *   -Dbench.memoryZnodes=500000,5000000        -Dbench.heap=6g (both servers' -Xmx in the memory section)
 *   -Dbench.generators=lean,official           -Dbench.cells=create/8/32,getData/8/32 (narrow a run)
 * </pre>
 */
public final class ServerBenchmark {
    static final String SERVER_CPUS = System.getProperty("bench.serverCpus", "0");
    static final int REPEAT = Integer.getInteger("bench.repeat", 1);
    static final double MEASURE = Double.parseDouble(System.getProperty("bench.measureSec", "5"));
    static final double WARMUP = Double.parseDouble(System.getProperty("bench.warmupSec", "2"));
    static final List<String> SECTIONS = List.of(System.getProperty("bench.sections", "throughput,memory,start").split(","));
    static final List<String> GENERATORS = List.of(System.getProperty("bench.generators", "lean,official").split(","));
    static final String DEFAULT_CELLS = "create/1/1,create/8/32,delete/8/32,setData/8/32,multi/8/32,getData/8/32,getData:90;setData:10/8/32,"
            + "create/32/32,delete/32/32,setData/32/32,multi/32/32,getData/32/32,getData:90;setData:10/32/32";
    /** More deletes per second than either server does here: a delete run's pool of nodes to take. */
    private static final double DELETE_RATE_BOUND = 150_000;
    static final List<String> CELLS = List.of(System.getProperty("bench.cells", DEFAULT_CELLS).split(","));

    record Row(String figure, String meerkat, String zookeeper, double ratio, String goal) {
    }

    private static final List<Row> rows = new ArrayList<>();
    private static Path work;

    public static void main(String[] args) throws Exception {
        work = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "/tmp/meerkat-bench-work"));
        System.out.printf(Locale.ROOT, "servers pinned to CPUs %s, this JVM runs on %d CPU(s); load average %s; %d repeat(s)%n",
                SERVER_CPUS, Runtime.getRuntime().availableProcessors(), loadAverage(), REPEAT);
        if (SECTIONS.contains("throughput")) throughput();
        if (SECTIONS.contains("start")) coldStart();
        if (SECTIONS.contains("memory")) memory();
        System.out.println();
        System.out.println("load average at the end: " + loadAverage());
        System.out.println("| figure | Meerkat | ZooKeeper 3.9.5 | ratio M/ZK | goal |");
        System.out.println("|---|---:|---:|---:|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %s |%n", r.figure, r.meerkat, r.zookeeper, r.ratio, r.goal);
        }
        System.exit(0);
    }

    static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static ServerProcess.Spec spec(Kind kind, String name, String... flags) throws IOException {
        Path dir = work.resolve(name + "-" + kind.name().toLowerCase(Locale.ROOT) + "-" + System.nanoTime());
        List<String> all = new ArrayList<>(List.of(flags));
        // e.g. -Dbench.meerkatFlags="-XX:StartFlightRecording=filename=/tmp/m.jfr,settings=profile" for a profile
        String extra = System.getProperty(kind == Kind.MEERKAT ? "bench.meerkatFlags" : "bench.zookeeperFlags", "").trim();
        if (!extra.isEmpty()) all.addAll(List.of(extra.split("\\s+")));
        // e.g. -Dbench.meerkatConfig="snapCount=100000000" (lines separated by ';') for extra zoo.cfg lines
        String config = System.getProperty(kind == Kind.MEERKAT ? "bench.meerkatConfig" : "bench.zookeeperConfig", "").trim();
        return new ServerProcess.Spec(kind, dir, ServerProcess.freePort(), SERVER_CPUS, all, config.isEmpty() ? "" : config.replace(';', '\n') + "\n");
    }

    // ---- throughput and latency -------------------------------------------------------------

    private static void throughput() throws Exception {
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try (ServerProcess m = ServerProcess.start(spec(Kind.MEERKAT, "tput"));
             ServerProcess z = ServerProcess.start(spec(Kind.ZOOKEEPER, "tput"))) {
            m.awaitImok(120_000);
            z.awaitImok(120_000);
            ServerProcess[] servers = {m, z};
            LeanLoad[] lean = new LeanLoad[2];
            OfficialLoad[] official = new OfficialLoad[2];
            for (int i = 0; i < 2; i++) {
                lean[i] = new LeanLoad(servers[i].address(), 100, 64);
                lean[i].setUp();
                official[i] = new OfficialLoad("127.0.0.1:" + servers[i].address().getPort(), lean[i]);
            }
            int round = 0;
            for (int rep = 0; rep < REPEAT; rep++) {
                for (String cell : CELLS) {
                    String[] parts = cell.split("/");
                    Mix mix = Mix.parse(parts[0].replace(';', ','));
                    int sessions = Integer.parseInt(parts[1]);
                    int inFlight = Integer.parseInt(parts[2]);
                    for (String gen : GENERATORS) {
                        boolean meerkatFirst = round++ % 2 == 0;
                        double[] pair = new double[6];
                        for (int k = 0; k < 2; k++) {
                            int i = (k == 0) == meerkatFirst ? 0 : 1;
                            // Enough nodes for the whole window at this server's best rate so far, and more.
                            if (mix.name().equals("delete")) lean[i].topUp(sessions, (long) (DELETE_RATE_BOUND * (WARMUP + MEASURE) / sessions));
                            LeanLoad.Result r = gen.equals("lean")
                                    ? lean[i].run(mix, sessions, inFlight, 1, WARMUP, MEASURE, 0)
                                    : official[i].run(mix, sessions, inFlight, WARMUP, MEASURE);
                            String who = i == 0 ? "meerkat" : "zookeeper";
                            System.out.println(r.line(who).replace(" lean ", " " + gen + " "));
                            pair[i * 3] = r.opsPerSec();
                            pair[i * 3 + 1] = r.p50Ms();
                            pair[i * 3 + 2] = r.p99Ms();
                        }
                        results.computeIfAbsent(gen + "|" + cell, x -> new ArrayList<>()).add(pair);
                    }
                }
            }
        }
        for (var e : results.entrySet()) {
            String[] key = e.getKey().split("\\|");
            String[] parts = key[1].split("/");
            String what = parts[0].replace(";", "/").replace(":90", " 90").replace(":10", " 10");
            String figure = what + ", " + parts[1] + " × " + parts[2] + " in flight (" + key[0] + ")";
            List<double[]> v = e.getValue();
            boolean read = what.startsWith("getData") && !what.contains("setData");
            boolean single = parts[1].equals("1");
            if (single) {
                add(figure + ", p50 ms", median(v, a -> a[1]), median(v, a -> a[4]), "%.3f", "≤ 0.70");
            } else {
                add(figure + ", ops/s", median(v, a -> a[0]), median(v, a -> a[3]), "%,.0f", read ? "≥ 2.5" : what.contains("90") ? "-" : "≥ 2");
                add(figure + ", p99 ms", median(v, a -> a[2]), median(v, a -> a[5]), "%.2f", read || what.contains("90") ? "-" : "≤ 0.5");
            }
        }
    }

    private static double median(List<double[]> v, ToDoubleFunction<double[]> f) {
        double[] x = v.stream().mapToDouble(f).sorted().toArray();
        return x.length % 2 == 1 ? x[x.length / 2] : (x[x.length / 2 - 1] + x[x.length / 2]) / 2;
    }

    private static void add(String figure, double meerkat, double zookeeper, String format, String goal) {
        rows.add(new Row(figure, String.format(Locale.ROOT, format, meerkat), String.format(Locale.ROOT, format, zookeeper),
                meerkat / zookeeper, goal));
    }

    // ---- cold start ---------------------------------------------------------------------------

    private static void coldStart() throws Exception {
        int samples = Integer.getInteger("bench.coldStarts", 5);
        List<double[]> v = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            double[] pair = new double[2];
            for (int k = 0; k < 2; k++) {
                Kind kind = (k == 0) == (i % 2 == 0) ? Kind.MEERKAT : Kind.ZOOKEEPER;
                try (ServerProcess s = ServerProcess.start(spec(kind, "cold"))) {
                    double ms = s.awaitImok(120_000);
                    pair[kind == Kind.MEERKAT ? 0 : 1] = ms;
                    System.out.printf(Locale.ROOT, "%-9s cold start to imok %.0f ms%n", kind, ms);
                }
            }
            v.add(pair);
        }
        add("cold start (java, empty data dir) to answering ruok, ms, median of " + samples, median(v, a -> a[0]), median(v, a -> a[1]),
                "%,.0f", "≤ 0.5");
    }

    // ---- memory and restart -----------------------------------------------------------------

    private static void memory() throws Exception {
        String heap = System.getProperty("bench.heap", "6g");
        for (String n : System.getProperty("bench.memoryZnodes", "500000,5000000").split(",")) {
            int znodes = Integer.parseInt(n);
            int children = 1000;
            int parents = Math.max(1, znodes / children);
            double[] perZnode = new double[2];
            double[] rss = new double[2];
            double[] restart = new double[2];
            double[] populateSec = new double[2];
            for (int k = 0; k < 2; k++) {
                Kind kind = k == 0 ? Kind.MEERKAT : Kind.ZOOKEEPER;
                // As zkServer.sh runs ZooKeeper: a JVM that runs out of heap stops rather than limps on.
                ServerProcess.Spec spec = spec(kind, "mem" + n, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError");
                String last;
                long base;
                try (ServerProcess s = ServerProcess.start(spec)) {
                    s.awaitImok(120_000);
                    LeanLoad load = new LeanLoad(s.address(), 100, 1);
                    base = s.liveHeapBytes();
                    long t0 = System.nanoTime();
                    try {
                        last = load.populate(parents, children, 100);
                    } catch (IOException e) {
                        String why = s.outOfMemory() ? "ran out of memory" : "failed: " + e.getMessage();
                        System.out.printf(Locale.ROOT, "%-9s %s while creating %,d znodes in -Xmx%s after %.1f s%n", kind, why,
                                parents * children, heap, (System.nanoTime() - t0) / 1e9);
                        rows.add(new Row(String.format(Locale.ROOT, "%,d znodes of 100 B in -Xmx%s", parents * children, heap),
                                kind == Kind.MEERKAT ? why : "-", kind == Kind.MEERKAT ? "-" : why, Double.NaN, "Meerkat holds them, ZooKeeper does not"));
                        continue;
                    }
                    populateSec[k] = (System.nanoTime() - t0) / 1e9;
                    long settledMs = s.awaitIdle(180_000);
                    long live = s.liveHeapBytes();
                    perZnode[k] = (live - base) / (double) (parents * children);
                    rss[k] = s.rssBytes() / 1048576.0;
                    System.out.printf(Locale.ROOT, "%-9s %,d znodes in %.1f s (idle %.1f s later): live heap %,d -> %,d bytes, %.0f B per znode, RSS %.0f MiB%n",
                            kind, parents * children, populateSec[k], settledMs / 1e3, base, live, perZnode[k], rss[k]);
                }
                try (ServerProcess s = ServerProcess.start(spec)) {
                    while (!LeanLoad.readable(s.address(), last, 2_000)) {
                        if (!s.isAlive()) throw new IOException(kind + " died on restart: " + s.tail());
                        Thread.sleep(5); // polling another process's port: the figure's resolution
                    }
                    restart[k] = s.sinceStartMs();
                    System.out.printf(Locale.ROOT, "%-9s restart with %,d znodes until the last is readable: %.0f ms%n", kind, parents * children, restart[k]);
                }
            }
            String size = String.format(Locale.ROOT, "%,d", parents * children);
            add("live heap per znode, " + size + " znodes of 100 B, bytes", perZnode[0], perZnode[1], "%.0f", "≤ 0.6");
            add("resident memory with " + size + " znodes (-Xmx" + heap + "), MiB", rss[0], rss[1], "%,.0f", "≤ 0.8");
            add("restart with " + size + " znodes until the last is readable, ms", restart[0], restart[1], "%,.0f", "≤ 0.4");
        }
    }

    static String flags(String... f) {
        return Arrays.toString(f);
    }
}
