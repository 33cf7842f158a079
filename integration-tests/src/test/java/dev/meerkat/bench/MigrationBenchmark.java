package dev.meerkat.bench;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.migrate.ConsoleProgress;
import dev.meerkat.server.migrate.Export;
import dev.meerkat.server.migrate.OfflineImport;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * How fast {@code meerkat import} and {@code meerkat export} move a large tree, next to how long
 * Apache ZooKeeper 3.9.5 itself takes to recover the same data ({@code FileTxnSnapLog.restore},
 * what a restarting ZooKeeper does before it serves). Two shapes of the same {@code count} znodes:
 * all in one snapshot, and all as logged creates after an empty snapshot (replay). A main class,
 * never run by surefire.
 *
 * <pre>
 *   java $FLAGS -Xmx8g -cp $CP dev.meerkat.bench.MigrationBenchmark [work-dir] [count] [rounds]
 * </pre>
 * The work directory must be on the disk under test. Each figure is the median of {@code rounds}.
 */
public final class MigrationBenchmark {

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("meerkat-migration");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.setProperty("zookeeper.admin.enableServer", "false");
        List<String> paths = DurabilityBenchmark.paths(count);
        System.out.printf(Locale.ROOT, "%,d znodes (%,d leaves of 32 bytes under %,d parents), median of %d rounds, %d cores%n",
                paths.size(), count, paths.size() - count, rounds, Runtime.getRuntime().availableProcessors());
        // Both sides' code compiled first, so that neither pays for the JIT in its figures.
        List<String> warmUp = DurabilityBenchmark.paths(Math.min(count, 50_000));
        shape(work, "warm-up", warmUp, 1, false, false);
        shape(work, "warm-up", warmUp, 1, true, false);
        System.out.println("| data | step | Meerkat | ZooKeeper 3.9.5 recovery of the same data | ratio Meerkat/ZooKeeper (time) |");
        System.out.println("|---|---|---:|---:|---:|");
        shape(work, "one snapshot", paths, rounds, false, true);
        shape(work, "snapshot.0 + logged creates", paths, rounds, true, true);
    }

    private static void shape(Path work, String name, List<String> paths, int rounds, boolean logged, boolean report) throws Exception {
        Path zk = Files.createTempDirectory(work, "zookeeper-");
        long t0 = System.nanoTime();
        if (logged) writeLog(zk, paths);
        else writeSnapshot(zk, paths);
        if (report) System.err.printf(Locale.ROOT, "%s: ZooKeeper data written in %.1f s, %s%n", name, (System.nanoTime() - t0) / 1e9, mib(size(zk)));

        double zkMs = median(rounds, () -> restoreMs(zk, paths.size()));
        Path meerkat = work.resolve("meerkat-" + (logged ? "log" : "snap"));
        double importMs = median(rounds, () -> {
            delete(meerkat);
            System.gc();
            long s = System.nanoTime();
            OfflineImport.Summary sum = new OfflineImport(new OfflineImport.Options(zk, null, meerkat, null, false, false, false), quiet()).run();
            double ms = (System.nanoTime() - s) / 1e6;
            if (sum.znodes() != paths.size() + 4) throw new IllegalStateException("imported " + sum.znodes() + " znodes");
            return ms;
        });
        double startMs = meerkatStartMs(meerkat, paths.get(paths.size() - 1));
        Path back = work.resolve("zookeeper-exported-" + (logged ? "log" : "snap"));
        double exportMs = median(rounds, () -> {
            delete(back);
            System.gc();
            long s = System.nanoTime();
            new Export(new Export.Options(meerkat, null, back, null, false), quiet()).run();
            return (System.nanoTime() - s) / 1e6;
        });
        double backMs = median(rounds, () -> restoreMs(back, paths.size()));
        int n = paths.size() + 4;
        if (report) {
            row(name, "import ZooKeeper files → Meerkat data dir", importMs, n, zkMs);
            row(name, "Meerkat start on the imported dir (serving)", startMs, n, zkMs);
            row(name, "export Meerkat data dir → ZooKeeper snapshot", exportMs, n, zkMs);
            System.out.printf(Locale.ROOT, "| %s | ZooKeeper recovery of the exported snapshot | - | %.0f ms | - |%n", name, backMs);
        }
        delete(zk);
        delete(meerkat);
        delete(back);
    }

    private static void row(String data, String step, double ms, int znodes, double zkMs) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f ms (%,.0f znodes/s) | %.0f ms (%,.0f znodes/s) | %.2f |%n",
                data, step, ms, znodes / (ms / 1000), zkMs, znodes / (zkMs / 1000), ms / zkMs);
    }

    /** ZooKeeper's own recovery: what {@code ZKDatabase.loadDataBase} does at start-up. */
    private static double restoreMs(Path dir, int expected) throws Exception {
        System.gc();
        long s = System.nanoTime();
        FileTxnSnapLog snapLog = new FileTxnSnapLog(dir.toFile(), dir.toFile());
        DataTree dt = new DataTree();
        try {
            snapLog.restore(dt, new ConcurrentHashMap<>(), (h, r, d) -> { });
        } finally {
            snapLog.close();
        }
        double ms = (System.nanoTime() - s) / 1e6;
        if (dt.getNodeCount() < expected) throw new IllegalStateException("ZooKeeper recovered " + dt.getNodeCount() + " znodes");
        return ms;
    }

    private static double meerkatStartMs(Path dir, String mustExist) throws Exception {
        System.gc();
        long s = System.nanoTime();
        try (Meerkat m = Meerkat.start(ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(dir))) {
            double ms = (System.nanoTime() - s) / 1e6;
            java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
            try (org.apache.zookeeper.ZooKeeper c = new org.apache.zookeeper.ZooKeeper(m.connectString(), 30_000, e -> {
                if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) connected.countDown();
            })) {
                if (!connected.await(60, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("no connection to Meerkat");
                if (c.exists(mustExist, false) == null) throw new IllegalStateException(mustExist + " missing on Meerkat");
            }
            return ms;
        }
    }

    private static void writeSnapshot(Path dir, List<String> paths) throws Exception {
        DataTree dt = new DataTree();
        long zxid = 0;
        for (String p : paths) dt.createNode(p, DurabilityBenchmark.SMALL, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, -1, ++zxid, DurabilityBenchmark.TIME);
        dt.lastProcessedZxid = zxid;
        FileTxnSnapLog snapLog = new FileTxnSnapLog(dir.toFile(), dir.toFile());
        try {
            snapLog.save(dt, new ConcurrentHashMap<>(), true);
        } finally {
            snapLog.close();
        }
    }

    private static void writeLog(Path dir, List<String> paths) throws Exception {
        FileTxnSnapLog snapLog = new FileTxnSnapLog(dir.toFile(), dir.toFile());
        try {
            snapLog.save(new DataTree(), new ConcurrentHashMap<>(), true);
            long zxid = 0;
            for (String p : paths) {
                snapLog.append(DurabilityBenchmark.zkCreate(++zxid, p));
                if (zxid % 1024 == 0) snapLog.commit();
            }
            snapLog.commit();
        } finally {
            snapLog.close();
        }
    }

    private interface Measure {
        double ms() throws Exception;
    }

    private static double median(int rounds, Measure m) throws Exception {
        List<Double> all = new ArrayList<>();
        for (int i = 0; i < rounds; i++) all.add(m.ms());
        all.sort(null);
        return all.get(all.size() / 2);
    }

    private static ConsoleProgress quiet() {
        return ConsoleProgress.on(new PrintWriter(Writer.nullWriter()));
    }

    private static long size(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void delete(Path dir) throws Exception {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
