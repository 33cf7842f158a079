package dev.meerkat.embedding;

import dev.meerkat.junit.kafka.KafkaCluster;
import dev.meerkat.server.Meerkat;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.kafka.test.EmbeddedKafkaZKBroker;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Embedded start times of Meerkat against Apache ZooKeeper 3.9.5 in the same run: cold (the first
 * server in a fresh JVM, one child JVM per sample, no JVM flags) and warm (in this JVM, after
 * warm-up) against Curator's {@code TestingServer}; and a 3-broker Kafka cluster made ready (every
 * broker registered, a controller elected, as the Kafka admin API sees it) by {@link KafkaCluster}
 * on Meerkat against Spring Kafka's {@code EmbeddedKafkaZKBroker} on ZooKeeper. A main, not a test;
 * docs/benchmarks.md has the command.
 *
 * <pre>java -cp $CP -Dmeerkat.root=. -Dmeerkat.version=0.1.0-SNAPSHOT dev.meerkat.embedding.EmbeddedStartBenchmark [cold-runs] [warm-runs] [cluster-runs]</pre>
 */
public final class EmbeddedStartBenchmark {
    public static void main(String[] args) throws Exception {
        int coldRuns = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmRuns = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int clusterRuns = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "## Embedded start times (%d cores, Java %s; ratio = Meerkat / ZooKeeper 3.9.5, below 1 is Meerkat faster)%n%n"
                        + "| what | Meerkat median ms (min) | ZooKeeper 3.9.5 median ms (min) | ratio of medians |%n|---|---:|---:|---:|%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));

        double[][] cold = coldStarts(coldRuns);
        report.append(row("cold start, first server in a fresh JVM (" + coldRuns + " JVMs each) vs `TestingServer`", cold[0], cold[1]));
        report.append(row("(floor) a bare JDK NIO server's cold start and first answer vs `TestingServer`", cold[2], cold[1]));
        double[][] warm = warmStarts(warmRuns);
        report.append(row("warm start (" + warmRuns + " after " + warmRuns / 2 + " warm-up) vs `TestingServer`", warm[0], warm[1]));
        double[][] clusters = clusterStarts(clusterRuns);
        report.append(row("3-broker Kafka cluster ready (" + clusterRuns + " after 1 warm-up): `KafkaCluster` vs Spring's `EmbeddedKafkaZKBroker`",
                clusters[0], clusters[1]));
        report.append(String.format(Locale.ROOT, "%nStart: until a client is answered (`ruok`); cluster: until the admin API shows 3 brokers and a controller. "
                + "Cold JVMs have no JVM flags and their logging (slf4j-simple) set up before the clock starts.%n"));
        System.out.println(report);
        Path out = Path.of("embedding-tests", "target", "embedded-start.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println("written to " + out);
    }

    /** Alternating child JVMs, so both servers see the same machine. */
    private static double[][] coldStarts(int runs) throws Exception {
        List<Path> meerkatCp = ChildJvm.embeddedClasspath();
        List<Path> zookeeperCp = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> !p.toString().contains("meerkat")).toList();
        List<Path> zkCp = new ArrayList<>(zookeeperCp);
        zkCp.add(0, ChildJvm.testClasses());
        List<String> quiet = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        List<Path> nioCp = new ArrayList<>(Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> Stream.of("slf4j-api-", "slf4j-simple-").anyMatch(p.getFileName().toString()::startsWith))
                .toList());
        nioCp.add(0, ChildJvm.testClasses());
        double[] m = new double[runs];
        double[] z = new double[runs];
        double[] v = new double[runs];
        for (int i = 0; i < runs; i++) {
            m[i] = coldOnce(meerkatCp, quiet, "meerkat");
            z[i] = coldOnce(zkCp, quiet, "zookeeper");
            v[i] = coldOnce(nioCp, quiet, "nio");
            System.out.printf(Locale.ROOT, "cold %d: meerkat %.1f ms, zookeeper %.1f ms, bare NIO %.1f ms%n", i, m[i], z[i], v[i]);
        }
        return new double[][]{m, z, v};
    }

    private static double coldOnce(List<Path> cp, List<String> flags, String which) throws Exception {
        ChildJvm.Result r = ChildJvm.run(cp, flags, ColdStartProbe.class.getName(), List.of(which), Duration.ofMinutes(2));
        if (r.exitCode() != 0) throw new IllegalStateException(which + " cold start failed:\n" + r.output());
        return r.output().lines().filter(l -> l.startsWith("COLD_MS=")).mapToDouble(l -> Double.parseDouble(l.substring(8))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no COLD_MS in\n" + r.output()));
    }

    private static double[][] warmStarts(int runs) throws Exception {
        double[] m = new double[runs];
        double[] z = new double[runs];
        int warmup = runs / 2;
        for (int i = 0; i < warmup + runs; i++) {
            long t0 = System.nanoTime();
            try (Meerkat meerkat = Meerkat.embedded()) {
                check(ColdStartProbe.ruok(meerkat.port()));
                if (i >= warmup) m[i - warmup] = (System.nanoTime() - t0) / 1e6;
            }
            t0 = System.nanoTime();
            try (TestingServer zk = new TestingServer(true)) {
                check(ColdStartProbe.ruok(zk.getPort()));
                if (i >= warmup) z[i - warmup] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return new double[][]{m, z};
    }

    private static double[][] clusterStarts(int runs) throws Exception {
        double[] m = new double[runs];
        double[] z = new double[runs];
        for (int i = 0; i <= runs; i++) {
            // Alternate which goes first; round 0 warms both up (class loading, JIT) and is not counted.
            boolean meerkatFirst = i % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean meerkat = (k == 0) == meerkatFirst;
                double ms = meerkat ? meerkatCluster() : springCluster();
                System.out.printf(Locale.ROOT, "cluster %d: %s %.0f ms%n", i, meerkat ? "meerkat" : "spring/zookeeper", ms);
                if (i > 0) (meerkat ? m : z)[i - 1] = ms;
            }
        }
        return new double[][]{m, z};
    }

    private static double meerkatCluster() throws Exception {
        long t0 = System.nanoTime();
        try (KafkaCluster kafka = KafkaCluster.builder().brokers(3).start()) {
            awaitReady(kafka.bootstrapServers());
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double springCluster() throws Exception {
        long t0 = System.nanoTime();
        EmbeddedKafkaZKBroker broker = new EmbeddedKafkaZKBroker(3);
        try {
            broker.afterPropertiesSet();
            awaitReady(broker.getBrokersAsString());
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            broker.destroy();
        }
    }

    /** The same readiness for both: the admin API sees all 3 brokers and a controller. */
    private static void awaitReady(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                DescribeClusterResult c = admin.describeCluster();
                if (c.nodes().get().size() == 3 && c.controller().get() != null && !c.controller().get().isEmpty()) return;
                TimeUnit.MILLISECONDS.sleep(5);
            }
            throw new IllegalStateException("cluster at " + bootstrap + " not ready after 60 s");
        }
    }

    private static void check(String ruok) {
        if (!ruok.equals("imok")) throw new IllegalStateException("ruok answered " + ruok);
    }

    private static String row(String what, double[] meerkat, double[] zookeeper) {
        double[] m = meerkat.clone();
        double[] z = zookeeper.clone();
        Arrays.sort(m);
        Arrays.sort(z);
        return String.format(Locale.ROOT, "| %s | %.1f (%.1f) | %.1f (%.1f) | %.2f |%n", what, median(m), m[0], median(z), z[0], median(m) / median(z));
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
