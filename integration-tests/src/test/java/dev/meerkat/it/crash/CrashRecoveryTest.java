package dev.meerkat.it.crash;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Issue "Durable state": a Meerkat node in its own JVM, written to continuously by several official
 * ZooKeeper clients, is SIGKILLed at random moments and restarted on the same data directory, again and
 * again. After every restart the tree must be exactly what the acknowledged writes made it (the one
 * write per client whose reply the kill swallowed may have happened or not, but whole), multis are never
 * half-applied, and zxids and sequence numbers never go backwards.
 *
 * <p>The fault schedule (burst lengths, kills during start-up) and every client's choice of operations
 * come from one seed, printed at the start; {@code -Dmeerkat.crash.seed=<seed>} runs that schedule again
 * (thread interleavings, and so the exact moment in the log a kill hits, still vary).
 * {@code -Dmeerkat.crash.kills} (default 24), {@code -Dmeerkat.crash.writers} (default 4) and
 * {@code -Dmeerkat.crash.snapCount} (default 1000, passed in zoo.cfg so that a node that takes
 * snapshots takes them during the run) tune it. Server logs and, after a failure, the data directory
 * stay in {@code target/crash/<run>/}.
 */
class CrashRecoveryTest {
    private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final int SESSION_TIMEOUT_MS = 30_000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** The live child JVM, if any: killed in {@link #killServer()} even when the test fails. */
    private static volatile MeerkatProcess server;

    private final Map<String, NodeState> sharedSeq = Writer.newSharedSeq();
    private final List<Writer> writers = new ArrayList<>();
    private long zxidFloor;
    private long seqFloor = -1;
    private int starts;

    @AfterAll
    static void killServer() {
        MeerkatProcess p = server;
        if (p != null) p.close();
    }

    @Test
    void acknowledgedWritesSurviveSigkillAndRestart() throws Exception {
        long seed = Long.getLong("meerkat.crash.seed", System.nanoTime());
        int kills = Integer.getInteger("meerkat.crash.kills", 24);
        int writerCount = Integer.getInteger("meerkat.crash.writers", 4);
        int snapCount = Integer.getInteger("meerkat.crash.snapCount", 1000);
        Path runDir = Path.of("target", "crash", LocalDateTime.now().format(RUN_NAME) + "-seed" + seed).toAbsolutePath();
        Path dataDir = runDir.resolve("data");
        Files.createDirectories(dataDir);
        Path zooCfg = Files.writeString(runDir.resolve("zoo.cfg"), "tickTime=2000\nsnapCount=" + snapCount + "\n");
        Path logback = Files.writeString(runDir.resolve("server-logback.xml"), SERVER_LOGBACK);
        log("seed=%d kills=%d writers=%d snapCount=%d (re-run with -Dmeerkat.crash.seed=%d); logs in %s",
                seed, kills, writerCount, snapCount, seed, runDir);

        Random schedule = new Random(seed);
        for (int i = 0; i < writerCount; i++) writers.add(new Writer(i, seed, sharedSeq));
        ExecutorService pool = Executors.newFixedThreadPool(writerCount, r -> {
            Thread t = new Thread(r, "crash-writer");
            t.setDaemon(true);
            return t;
        });
        ExecutorService closer = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "crash-client-closer");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        int cycle = 0;
        int startupKills = 0;
        long totalAcked = 0;
        Map<String, Integer> outcomes = new TreeMap<>();
        try {
            int port = startServer(runDir, dataDir, zooCfg, logback);
            try (ZooKeeper zk = connect(port)) {
                zk.create(Writer.ROOT, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.create(Writer.SEQ_PARENT, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (Writer w : writers) w.setUp(zk);
            }
            verify(port, "after set-up", zxidFloor, outcomes);

            for (cycle = 1; cycle <= kills; cycle++) {
                long burstFloor = zxidFloor;
                List<ZooKeeper> clients = new ArrayList<>();
                for (int i = 0; i < writerCount; i++) clients.add(connect(port));
                // One kill in four hits a quiet server: the writers stop first, so every write was
                // acknowledged and the end of the log must survive too (no in-flight write to hide its loss).
                boolean quiet = schedule.nextInt(4) == 0;
                AtomicBoolean stop = new AtomicBoolean();
                List<Future<?>> bursts = new ArrayList<>();
                for (int i = 0; i < writerCount; i++) {
                    Writer w = writers.get(i);
                    ZooKeeper zk = clients.get(i);
                    long zf = zxidFloor;
                    long sf = seqFloor;
                    bursts.add(pool.submit(() -> w.burst(zk, zf, sf, stop::get)));
                }
                int burstMs = 100 + schedule.nextInt(1401);
                pause(burstMs);
                MeerkatProcess victim = server;
                if (quiet) {
                    stop.set(true);
                    for (Future<?> f : bursts) f.get(60, TimeUnit.SECONDS);
                }
                victim.kill();
                for (Future<?> f : bursts) f.get(60, TimeUnit.SECONDS);
                for (ZooKeeper zk : clients) closer.submit(() -> closeQuietly(zk));
                int acked = 0;
                int inFlight = 0;
                for (Writer w : writers) {
                    if (w.failure() != null) throw w.failure();
                    acked += w.burstAcked();
                    if (w.uncertain() != null) inFlight++;
                    if (quiet && w.uncertain() != null) throw new AssertionError(w.root() + " lost a reply before the kill of a quiet server: "
                            + w.uncertain().description());
                    zxidFloor = Math.max(zxidFloor, w.maxZxidAcked());
                    seqFloor = Math.max(seqFloor, w.maxSeqAcked());
                }
                totalAcked += acked;
                assertNoNodeFailure(victim);

                // Now and then a kill while the node recovers, before or just after it serves.
                String startupKill = "";
                if (schedule.nextInt(5) == 0) {
                    boolean afterReady = schedule.nextBoolean();
                    int afterMs = schedule.nextInt(afterReady ? 500 : 1500);
                    MeerkatProcess p = spawn(runDir, dataDir, zooCfg, logback);
                    if (afterReady) p.awaitReady(START_TIMEOUT);
                    pause(afterMs);
                    boolean wasReady = Files.readString(p.stdoutFile()).contains("MEERKAT_READY");
                    p.kill();
                    startupKills++;
                    startupKill = String.format(" +start-up kill %d ms after %s (%s)", afterMs, afterReady ? "ready" : "launch",
                            wasReady ? "serving" : "recovering");
                }

                long restartStart = System.nanoTime();
                port = startServer(runDir, dataDir, zooCfg, logback);
                long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStart);
                String verdict = verify(port, "restart after kill " + cycle, burstFloor, outcomes);
                log("kill %2d: burst %4d ms, %5d writes acked, %s%s; restart %4d ms on port %d; %s",
                        cycle, burstMs, acked, quiet ? "quiet server" : inFlight + " in flight", startupKill, restartMs, port, verdict);
            }
            cycle = kills;
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            log("done: %d kills under load + %d during start-up, %d acknowledged writes, in-flight outcomes %s, %d s, seed %d",
                    kills, startupKills, totalAcked, outcomes, seconds, seed);
            server.kill();
            assertNoNodeFailure(server);
            deleteRecursively(dataDir);
        } catch (Throwable t) {
            MeerkatProcess s = server;
            String where = s == null ? "" : "\nlast server " + s.label() + " (" + s.stderrFile() + "):\n" + s.stderrTail(3000);
            AssertionError e = new AssertionError("crash test failed at kill " + cycle + " with seed " + seed
                    + " (re-run with -Dmeerkat.crash.seed=" + seed + "); data and logs kept in " + runDir + "\n" + t + where, t);
            throw e;
        } finally {
            killServer();
            pool.shutdownNow();
            closer.shutdown();
            closer.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ verification

    /**
     * Reads everything under /crash from the restarted server and reconciles it with the record; raises
     * the floors to what it saw. Returns a one-line verdict.
     */
    private String verify(int port, String when, long burstFloor, Map<String, Integer> outcomes) throws Exception {
        try (ZooKeeper zk = connect(port)) {
            Set<String> expectedTop = new TreeSet<>();
            expectedTop.add("seq");
            for (Writer w : writers) expectedTop.add(w.root().substring(Writer.ROOT.length() + 1));
            Set<String> top = new TreeSet<>(zk.getChildren(Writer.ROOT, false));
            if (!top.equals(expectedTop)) throw new AssertionError(when + ": children of " + Writer.ROOT + " are " + top + ", expected " + expectedTop);

            long maxZxid = 0;
            int nodes = 0;
            StringBuilder verdict = new StringBuilder("in flight: ");
            for (Writer w : writers) {
                Map<String, NodeState> actual = readChildren(zk, w.root(), when);
                String outcome = w.reconcile(actual, burstFloor, when);
                outcomes.merge(outcome, 1, Integer::sum);
                verdict.append(outcome).append(outcome.equals("-") ? " " : "; ");
                nodes += actual.size();
                for (NodeState s : actual.values()) maxZxid = Math.max(maxZxid, Math.max(s.czxid(), s.mzxid()));
            }
            Map<String, NodeState> actualSeq = readChildren(zk, Writer.SEQ_PARENT, when);
            String seqOutcome = reconcileSequential(actualSeq, burstFloor, when);
            nodes += actualSeq.size();
            for (Map.Entry<String, NodeState> e : actualSeq.entrySet()) {
                maxZxid = Math.max(maxZxid, e.getValue().czxid());
                seqFloor = Math.max(seqFloor, Writer.sequenceOf(e.getKey()));
            }
            zxidFloor = Math.max(zxidFloor, maxZxid);
            return verdict.append("seq: ").append(seqOutcome).append("; tree matches the record (").append(nodes)
                    .append(" nodes, max zxid 0x").append(Long.toHexString(zxidFloor)).append(", max seq ").append(seqFloor).append(")").toString();
        }
    }

    /**
     * The shared sequential parent: every acknowledged node present (unless its delete was in flight),
     * and any other node the result of a create that was in flight, matched by its unique data.
     */
    private String reconcileSequential(Map<String, NodeState> actual, long burstFloor, String when) {
        Map<String, Writer> pendingCreates = new HashMap<>();
        Map<String, Writer> pendingDeletes = new HashMap<>();
        for (Writer w : writers) {
            Uncertain u = w.uncertain();
            if (u != null && u.seqCreateData() != null) pendingCreates.put(u.seqCreateData(), w);
            if (u != null && u.seqDeletePath() != null) pendingDeletes.put(u.seqDeletePath(), w);
        }
        int created = 0;
        int deleted = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NodeState> e : new TreeMap<>(sharedSeq).entrySet()) {
            NodeState a = actual.get(e.getKey());
            if (a == null) {
                Writer w = pendingDeletes.get(e.getKey());
                if (w == null) {
                    problems.add(e.getKey() + ": acknowledged sequential node " + e.getValue() + " is missing");
                } else {
                    sharedSeq.remove(e.getKey());
                    w.forgetSequential(e.getKey());
                    deleted++;
                }
            } else if (!a.equals(e.getValue())) {
                problems.add(e.getKey() + ": expected " + e.getValue() + " but found " + a);
            }
        }
        for (Map.Entry<String, NodeState> e : actual.entrySet()) {
            if (sharedSeq.containsKey(e.getKey())) continue;
            NodeState a = e.getValue();
            Writer w = pendingCreates.remove(a.data());
            if (w == null || a.version() != 0 || a.czxid() != a.mzxid() || a.czxid() <= burstFloor) {
                problems.add(e.getKey() + ": unexpected node " + a + (w == null ? "" : " (its create was in flight, but the stat is wrong)"));
            } else {
                sharedSeq.put(e.getKey(), a);
                w.adoptSequential(e.getKey());
                created++;
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(when + ": " + Writer.SEQ_PARENT + " differs from the acknowledged writes"
                    + " (in flight at the kill: creates of " + pendingCreates.keySet() + ", deletes of " + pendingDeletes.keySet() + "):\n  "
                    + String.join("\n  ", problems));
        }
        for (Writer w : writers) w.clearUncertain();
        return actual.size() + " nodes" + (created + deleted == 0 ? "" : ", " + created + " in-flight create(s) and " + deleted + " in-flight delete(s) applied");
    }

    /** The data and stat of every child of {@code parent}, read in one pipelined batch. */
    private static Map<String, NodeState> readChildren(ZooKeeper zk, String parent, String when) throws Exception {
        List<String> children = zk.getChildren(parent, false);
        Map<String, NodeState> out = new ConcurrentHashMap<>();
        Map<String, KeeperException.Code> errors = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(children.size());
        for (String c : children) {
            String path = parent + "/" + c;
            zk.getData(path, false, (rc, p, ctx, data, stat) -> {
                if (rc == KeeperException.Code.OK.intValue()) out.put(p, NodeState.of(data, stat));
                else errors.put(p, KeeperException.Code.get(rc));
                done.countDown();
            }, null);
        }
        if (!done.await(60, TimeUnit.SECONDS)) throw new AssertionError(when + ": reading " + parent + " timed out");
        if (!errors.isEmpty()) throw new AssertionError(when + ": reading children of " + parent + " failed: " + errors);
        return new TreeMap<>(out);
    }

    // ------------------------------------------------------------------ the server process

    private MeerkatProcess spawn(Path runDir, Path dataDir, Path zooCfg, Path logback) {
        MeerkatProcess p = MeerkatProcess.start(String.format("server-%03d", starts++), runDir, dataDir, zooCfg, logback);
        server = p;
        return p;
    }

    private int startServer(Path runDir, Path dataDir, Path zooCfg, Path logback) {
        MeerkatProcess p = spawn(runDir, dataDir, zooCfg, logback);
        try {
            return p.awaitReady(START_TIMEOUT);
        } catch (Throwable t) {
            throw new AssertionError("Meerkat did not restart on its data directory (" + p.label() + ", pid " + p.pid() + "):\n"
                    + p.stderrTail(6000), t);
        }
    }

    /** The node stops serving, silently to clients, when its log or tree thread dies: that must never happen here. */
    private static void assertNoNodeFailure(MeerkatProcess p) throws IOException {
        String err = Files.readString(p.stderrFile());
        if (err.contains("stopped on an unexpected error")) {
            throw new AssertionError(p.label() + " hit an internal error (" + p.stderrFile() + "):\n" + p.stderrTail(6000));
        }
    }

    private static ZooKeeper connect(int port) throws IOException {
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, SESSION_TIMEOUT_MS, event -> { });
        try {
            Awaitility.await("ZooKeeper client connected to port " + port)
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> zk.getState().isConnected());
        } catch (RuntimeException e) {
            closeQuietly(zk);
            throw e;
        }
        return zk;
    }

    private static void closeQuietly(ZooKeeper zk) {
        try {
            zk.close(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The server is gone; the client's threads stop all the same.
        }
    }

    /** A pause of the fault schedule (not a synchronisation): how long the clients write before the kill. */
    private static void pause(long millis) {
        if (millis <= 0) return;
        Awaitility.await().pollDelay(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 10_000)).until(() -> true);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("[crash] " + String.format(format, args));
        System.out.flush();
    }

    /** The child's logging: Meerkat at INFO (recovery and snapshot lines), the libraries quiet. */
    private static final String SERVER_LOGBACK = """
            <configuration>
              <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <logger name="net.openhft" level="WARN"/>
              <logger name="io.netty" level="WARN"/>
              <logger name="io.vertx" level="WARN"/>
              <logger name="dev.meerkat" level="INFO"/>
              <root level="WARN"><appender-ref ref="STDERR"/></root>
            </configuration>
            """;
}
