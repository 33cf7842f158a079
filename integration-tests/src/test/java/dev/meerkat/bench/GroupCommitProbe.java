package dev.meerkat.bench;

import dev.meerkat.core.log.ChronicleLogStore;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.node.NodeConfig;
import dev.meerkat.wire.server.WireConfig;
import dev.meerkat.wire.server.ZkServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.zookeeper.ZooKeeper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostic, not a comparison: Meerkat wired as {@code Meerkat.start} wires it (Node + ZkServer on
 * Vert.x, Chronicle log), but with a counting log, to show how many writes each sync carries for a
 * client workload. Explains why {@code mixed90r10w} falls behind ZooKeeper (see docs/benchmarks.md).
 *
 * <pre>
 *   java $FLAGS -cp $CP dev.meerkat.bench.GroupCommitProbe [work-dir] [seconds]
 * </pre>
 */
public final class GroupCommitProbe {
    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("meerkat-probe");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        CountingLogStore log = new CountingLogStore(ChronicleLogStore.open(Files.createTempDirectory(work, "probe-")));
        Node node = new Node(NodeConfig.defaults(), log, null).start();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        ZkServer server = ZkServer.start(vertx, node, WireConfig.defaults(2000).withHost("127.0.0.1").withPort(0).withMaxClientCnxns(0), 2)
                .get(30, TimeUnit.SECONDS);
        String connect = "127.0.0.1:" + server.port();
        System.out.println("| workload | clients | ops/s | writes/s | syncs/s | writes per sync |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int n : new int[] {1, 8}) {
            List<ZooKeeper> clients = ClientThroughputBenchmark.connect(connect, n);
            String base = "/probe-" + n;
            ClientThroughputBenchmark.setUp(clients, base);
            for (String workload : new String[] {"setData", "mixed90r10w"}) {
                ClientThroughputBenchmark.measure(clients, base, workload, 0, 1); // warm-up only
                long a0 = log.appended.get();
                long s0 = log.syncs.get();
                long t0 = System.nanoTime();
                ClientThroughputBenchmark.Result r = ClientThroughputBenchmark.measure(clients, base, workload, seconds, 0);
                double s = (System.nanoTime() - t0) / 1e9;
                double writes = (log.appended.get() - a0) / s;
                double syncs = (log.syncs.get() - s0) / s;
                System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %,.0f | %.1f |%n", workload, n, r.opsPerSec(), writes, syncs, writes / syncs);
            }
            for (ZooKeeper c : clients) c.close();
        }
        System.exit(0);
    }
}
