package dev.meerkat.bench;

import dev.meerkat.it.cluster.MeerkatEnsemble;
import dev.meerkat.it.cluster.ZooKeeperEnsemble;
import org.apache.zookeeper.ZooKeeper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A 3-server Meerkat against a 3-server Apache ZooKeeper 3.9.5 on this machine, same workloads, same
 * run: write and read throughput with the clients spread over all servers (client i on server
 * i mod 3), p50 and p99. Every server is its own JVM with the same heap; both durable (Meerkat syncs
 * its log on every server before an entry commits, ZooKeeper fsyncs its txn log). Not a test.
 *
 * <pre>
 *   java $FLAGS -cp $CP dev.meerkat.bench.EnsembleThroughputBenchmark [measure-seconds] [warmup-seconds] [work-dir]
 * </pre>
 * {@code -Dbench.clients=3,24} and {@code -Dbench.workloads=create,setData,getData,mixed90r10w} set what runs.
 */
public final class EnsembleThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        double measure = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        Path work = args.length > 2 ? Files.createDirectories(Path.of(args[2])) : Files.createTempDirectory("meerkat-ensemble-bench");
        int[] clientCounts = Arrays.stream(System.getProperty("bench.clients", "3,24").split(",")).mapToInt(Integer::parseInt).toArray();
        String[] workloads = System.getProperty("bench.workloads", "create,setData,getData,mixed90r10w").split(",");
        ThreadLocalRandom.current().nextBytes(ClientThroughputBenchmark.DATA);
        System.out.printf(Locale.ROOT, "work dir %s; %.1f s measure, %.1f s warm-up, %d outstanding per client, %d cores%n",
                work, measure, warmup, ClientThroughputBenchmark.OUTSTANDING, Runtime.getRuntime().availableProcessors());
        Map<String, ClientThroughputBenchmark.Result> meerkat = new LinkedHashMap<>();
        Map<String, ClientThroughputBenchmark.Result> zookeeper = new LinkedHashMap<>();
        try (MeerkatEnsemble m = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(2000).direct("512m"),
                Files.createDirectories(work.resolve("meerkat")));
             ZooKeeperEnsemble z = ZooKeeperEnsemble.start(3, 2000, Files.createDirectories(work.resolve("zookeeper")))) {
            for (int n : clientCounts) {
                List<ZooKeeper> mc = spread(n, id -> m.connectString(id));
                List<ZooKeeper> zc = spread(n, z::connectString);
                try {
                    String base = "/bench-" + n;
                    ClientThroughputBenchmark.setUp(mc, base);
                    ClientThroughputBenchmark.setUp(zc, base);
                    int round = 0;
                    for (String workload : workloads) {
                        boolean meerkatFirst = round++ % 2 == 0;
                        for (int i = 0; i < 2; i++) {
                            boolean isMeerkat = (i == 0) == meerkatFirst;
                            ClientThroughputBenchmark.Result r = ClientThroughputBenchmark.measure(isMeerkat ? mc : zc, base, workload, measure, warmup);
                            (isMeerkat ? meerkat : zookeeper).put(workload + "/" + n, r);
                            System.out.printf(Locale.ROOT, "%-9s %-12s N=%-2d %,10.0f ops/s  p50 %6.2f ms  p99 %7.2f ms  (%,d ops, %d errors)%n",
                                    isMeerkat ? "meerkat" : "zookeeper", workload, n, r.opsPerSec(), r.p50Ms(), r.p99Ms(), r.ops(), r.errors());
                        }
                    }
                } finally {
                    for (ZooKeeper c : mc) c.close();
                    for (ZooKeeper c : zc) c.close();
                }
            }
        }
        System.out.println();
        System.out.println("| 3 servers: workload | clients | Meerkat ops/s | ZooKeeper ops/s | ratio M/ZK | Meerkat p50 / p99 ms | ZooKeeper p50 / p99 ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String key : meerkat.keySet()) {
            ClientThroughputBenchmark.Result a = meerkat.get(key);
            ClientThroughputBenchmark.Result b = zookeeper.get(key);
            String[] parts = key.split("/");
            System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.2f | %.2f / %.2f | %.2f / %.2f |%n", parts[0], parts[1],
                    a.opsPerSec(), b.opsPerSec(), a.opsPerSec() / b.opsPerSec(), a.p50Ms(), a.p99Ms(), b.p50Ms(), b.p99Ms());
        }
        System.exit(0);
    }

    /** {@code n} sessions, client i on server (i mod 3) + 1 only. */
    private static List<ZooKeeper> spread(int n, java.util.function.IntFunction<String> connectString) throws Exception {
        List<ZooKeeper> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.addAll(ClientThroughputBenchmark.connect(connectString.apply(i % 3 + 1), 1));
        return out;
    }
}
