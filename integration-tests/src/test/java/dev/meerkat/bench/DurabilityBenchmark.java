package dev.meerkat.bench;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.CommandCodec;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.log.ChronicleLogStore;
import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.node.NodeConfig;
import dev.meerkat.core.node.SessionOwner;
import dev.meerkat.core.snapshot.SnapshotImage;
import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.storage.DataDirectory;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.core.storage.SnapshotWriter;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.TxnHeader;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What the "Durable state" issue asks for, each figure next to Apache ZooKeeper 3.9.5 measured in
 * the same run: group commit (appends/s and syncs/s), recovery of a log of {@code count} entries,
 * recovery from a snapshot of {@code count} znodes, and that snapshot's size on disk.
 * A main class, never run by surefire.
 *
 * <pre>
 *   java $FLAGS -Xmx8g -cp $CP dev.meerkat.bench.DurabilityBenchmark [work-dir] [count] [seconds]
 * </pre>
 * The work directory must be on the disk under test (a tmpfs makes every sync free).
 */
public final class DurabilityBenchmark {

    static final int FANOUT = 1000;
    static final byte[] SMALL = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII); // 32 bytes
    static final long SESSION = (1L << 56) | 1; // Meerkat derives a session id from its createSession entry (index 1)
    static final long TIME = 1_700_000_000_000L;

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("meerkat-durability");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 3;
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.out.printf(Locale.ROOT, "work dir %s; %,d entries/znodes (%d-byte data, %d per parent); %.1f s per throughput point%n",
                work, count, SMALL.length, FANOUT, seconds);

        if ("meerkat-log-recovery".equals(System.getProperty("bench.only"))) {
            // For profiling Meerkat's log recovery alone (e.g. with -XX:StartFlightRecording).
            Path dir = Files.createTempDirectory(work, "meerkat-log-recovery-");
            List<String> paths = paths(count);
            long entries = writeMeerkatLog(dir, paths);
            System.out.printf(Locale.ROOT, "Meerkat log replay, %,d entries: %.0f ms%n", entries,
                    timeMeerkatStart(dir, paths.get(paths.size() - 1), ServerConfig.defaults()));
            delete(dir);
            System.exit(0);
        }
        fsyncBaseline(work, seconds);
        logGroupCommit(work, seconds);
        nodeGroupCommit(work, seconds);
        emptyStart(work);
        logRecovery(work, count);
        snapshotRecovery(work, count);
        System.exit(0);
    }

    // ------------------------------------------------------------------ group commit

    private static void fsyncBaseline(Path work, double seconds) throws IOException {
        Path file = work.resolve("fsync-baseline");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(128);
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long start = System.nanoTime();
            long rounds = 0;
            while (System.nanoTime() < deadline) {
                buf.clear();
                ch.write(buf);
                ch.force(false);
                rounds++;
            }
            System.out.printf(Locale.ROOT, "disk baseline: %,.0f write(128 B)+fdatasync/s%n", rounds / ((System.nanoTime() - start) / 1e9));
        }
        Files.deleteIfExists(file);
    }

    /** The logs alone, one batch per sync: Meerkat's ChronicleLogStore against ZooKeeper's FileTxnLog. */
    private static void logGroupCommit(Path work, double seconds) throws IOException {
        byte[] entry = encodedCreate("/b/p000/n0000000001");
        System.out.printf(Locale.ROOT, "log alone, %d-byte Meerkat entries / same create as a ZooKeeper txn:%n", entry.length);
        System.out.println("| batch per sync | Meerkat appends/s | Meerkat syncs/s | ZooKeeper appends/s | ZooKeeper syncs/s | ratio M/ZK |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int batch : new int[] {1, 16, 256}) {
            Path mDir = Files.createTempDirectory(work, "log-gc-" + batch + "-");
            Path zDir = Files.createTempDirectory(work, "zk-gc-" + batch + "-");
            FileTxnSnapLog snapLog = new FileTxnSnapLog(zDir.toFile(), zDir.toFile());
            double[] m = new double[2];
            double[] z = new double[2];
            try (ChronicleLogStore log = ChronicleLogStore.open(mDir)) {
                long[] zxid = {0};
                meerkatLogRun(log, batch, entry, 0.5);
                zkLogRun(snapLog, batch, zxid, 0.5);
                // The disk is shared with whatever else runs: short alternating rounds, so both see the same disk.
                int rounds = 6;
                for (int r = 0; r < rounds; r++) {
                    double[] a = meerkatLogRun(log, batch, entry, seconds / rounds);
                    double[] b = zkLogRun(snapLog, batch, zxid, seconds / rounds);
                    for (int i = 0; i < 2; i++) {
                        m[i] += a[i] / rounds;
                        z[i] += b[i] / rounds;
                    }
                }
            } finally {
                snapLog.close();
            }
            delete(mDir);
            delete(zDir);
            System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %,.0f | %,.0f | %.2f |%n", batch, m[0], m[1], z[0], z[1], m[0] / z[0]);
        }
    }

    private static double[] meerkatLogRun(ChronicleLogStore log, int batchSize, byte[] data, double seconds) {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long entries = 0;
        long syncs = 0;
        List<LogEntry> batch = new ArrayList<>(batchSize);
        long next = log.lastIndex() + 1;
        while (System.nanoTime() < deadline) {
            batch.clear();
            for (int i = 0; i < batchSize; i++) batch.add(new LogEntry(next++, 1, EntryKind.COMMAND, data));
            log.append(batch);
            log.sync();
            entries += batchSize;
            syncs++;
        }
        double s = (System.nanoTime() - start) / 1e9;
        return new double[] {entries / s, syncs / s};
    }

    private static double[] zkLogRun(FileTxnSnapLog log, int batchSize, long[] zxid, double seconds) throws IOException {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long entries = 0;
        long syncs = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < batchSize; i++) {
                long z = ++zxid[0];
                log.append(zkCreate(z, "/b/p000/n" + String.format("%010d", z)));
            }
            log.commit(); // FileTxnLog.commit: flush + fsync (forceSync=yes, ZooKeeper's default)
            entries += batchSize;
            syncs++;
        }
        double s = (System.nanoTime() - start) / 1e9;
        return new double[] {entries / s, syncs / s};
    }

    /** Group commit as the node does it: many writes in flight, one sync per batch the log thread drains. */
    private static void nodeGroupCommit(Path work, double seconds) throws Exception {
        System.out.println("node (no network): setData with W writes in flight, durable before completion:");
        System.out.println("| in flight | writes/s | syncs/s | entries per sync | mean latency ms |");
        System.out.println("|---:|---:|---:|---:|---:|");
        Path dir = Files.createTempDirectory(work, "node-gc-");
        CountingLogStore log = new CountingLogStore(ChronicleLogStore.open(dir));
        Node node = new Node(NodeConfig.defaults(), log, null).start();
        try {
            SessionOwner owner = new SessionOwner() {
                @Override public void sessionClosed(long id) { }
                @Override public void sessionMoved(long id) { }
            };
            long[] session = {0};
            CountDownLatch opened = new CountDownLatch(1);
            node.createSession(30_000, new byte[16], owner, (r, z) -> {
                session[0] = ((OpResult.SessionOpened) r).sessionId();
                opened.countDown();
            });
            opened.await(10, TimeUnit.SECONDS);
            CountDownLatch made = new CountDownLatch(1);
            node.write(session[0], List.of(), new WriteOp.Create("/k", SMALL, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1), (r, z) -> made.countDown());
            made.await(10, TimeUnit.SECONDS);
            CountDownLatch checked = new CountDownLatch(1);
            Object[] probe = new Object[1];
            node.write(session[0], List.of(), new WriteOp.SetData("/k", SMALL, -1), (r, z) -> {
                probe[0] = r;
                checked.countDown();
            });
            checked.await(10, TimeUnit.SECONDS);
            if (probe[0] instanceof OpResult.Error e) throw new IllegalStateException("setData /k: " + e);
            for (int inFlight : new int[] {1, 16, 256, 1024}) {
                nodeRun(node, log, session[0], inFlight, 0.5);
                double[] r = nodeRun(node, log, session[0], inFlight, seconds);
                System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.1f | %.3f |%n", inFlight, r[0], r[1], r[0] / r[1], inFlight * 1000 / r[0]);
            }
        } finally {
            node.close();
        }
        delete(dir);
    }

    private static double[] nodeRun(Node node, CountingLogStore log, long session, int inFlight, double seconds) throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        WriteOp op = new WriteOp.SetData("/k", SMALL, -1);
        long syncs0 = log.syncs.get();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long done = 0;
        while (System.nanoTime() < deadline) {
            permits.acquire();
            while (!node.write(session, List.of(), op, (r, z) -> permits.release())) Thread.onSpinWait();
            done++;
        }
        permits.acquire(inFlight);
        double s = (System.nanoTime() - start) / 1e9;
        return new double[] {done / s, (log.syncs.get() - syncs0) / s};
    }

    // ------------------------------------------------------------------ the data set

    static String parent(int p) {
        return String.format("/b/p%03d", p);
    }

    static String child(int i) {
        return String.format("/b/p%03d/n%07d", i % FANOUT, i);
    }

    static int parents(int count) {
        return Math.min(FANOUT, count);
    }

    /** Every path in creation order: /b, its parents, then {@code count} children. */
    static List<String> paths(int count) {
        List<String> all = new ArrayList<>(count + FANOUT + 1);
        all.add("/b");
        for (int p = 0; p < parents(count); p++) all.add(parent(p));
        for (int i = 0; i < count; i++) all.add(child(i));
        return all;
    }

    static byte[] encodedCreate(String path) {
        return CommandCodec.encode(new Proposal(TIME, 0, 0, new Command.ClientWrite(SESSION, List.of(),
                new WriteOp.Create(path, SMALL, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1))));
    }

    static Request zkCreate(long zxid, String path) {
        TxnHeader h = new TxnHeader(1, (int) zxid, zxid, TIME, ZooDefs.OpCode.create);
        return new Request(h, new CreateTxn(path, SMALL, ZooDefs.Ids.OPEN_ACL_UNSAFE, false, 0), null);
    }

    // ------------------------------------------------------------------ recovery

    /** A Meerkat data directory whose log holds a session plus one create per path; returns the last index. */
    private static long writeMeerkatLog(Path root, List<String> paths) {
        DataDirectory.open(root).close();
        try (ChronicleLogStore log = ChronicleLogStore.open(root.resolve("log"))) {
            byte[] session = CommandCodec.encode(new Proposal(TIME, 0, 0, new Command.CreateSession(30_000, new byte[16])));
            log.append(List.of(new LogEntry(1, 1, EntryKind.COMMAND, session)));
            long index = 1;
            List<LogEntry> batch = new ArrayList<>(1024);
            for (String p : paths) {
                batch.add(new LogEntry(++index, 1, EntryKind.COMMAND, encodedCreate(p)));
                if (batch.size() == 1024) {
                    log.append(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) log.append(batch);
            log.sync();
            return index;
        }
    }

    /** The fixed cost of a start with nothing to recover, to read the recovery times against. */
    private static void emptyStart(Path work) throws Exception {
        Path m = Files.createTempDirectory(work, "meerkat-empty-");
        Path z = Files.createTempDirectory(work, "zookeeper-empty-");
        timeMeerkatStart(m, "/", ServerConfig.defaults());
        timeZooKeeperStart(z, "/");
        double mMs = timeMeerkatStart(m, "/", ServerConfig.defaults());
        double zMs = timeZooKeeperStart(z, "/");
        System.out.printf(Locale.ROOT, "| start, nothing to recover (second start) | Meerkat %.0f ms | ZooKeeper %.0f ms | ratio M/ZK %.2f |%n", mMs, zMs, mMs / zMs);
        delete(m);
        delete(z);
    }

    private static void logRecovery(Path work, int count) throws Exception {
        List<String> paths = paths(count);
        String last = paths.get(paths.size() - 1);

        Path mDir = Files.createTempDirectory(work, "meerkat-log-recovery-");
        long t0 = System.nanoTime();
        long entries = writeMeerkatLog(mDir, paths);
        System.out.printf(Locale.ROOT, "Meerkat log of %,d entries written in %.1f s, %s on disk%n", entries, (System.nanoTime() - t0) / 1e9, mib(size(mDir.resolve("log"))));
        double mDefault = timeMeerkatStart(mDir, last, ServerConfig.defaults());

        Path zDir = Files.createTempDirectory(work, "zookeeper-log-recovery-");
        t0 = System.nanoTime();
        FileTxnSnapLog snapLog = new FileTxnSnapLog(zDir.toFile(), zDir.toFile());
        try {
            // ZooKeeper refuses a txn log without a snapshot: give it the empty tree at zxid 0, as a fresh server has.
            snapLog.save(new DataTree(), new ConcurrentHashMap<>(), true);
            long zxid = 0;
            for (String p : paths) {
                snapLog.append(zkCreate(++zxid, p));
                if (zxid % 1024 == 0) snapLog.commit();
            }
            snapLog.commit();
        } finally {
            snapLog.close();
        }
        System.out.printf(Locale.ROOT, "ZooKeeper txn log of %,d txns written in %.1f s, %s on disk%n", paths.size(), (System.nanoTime() - t0) / 1e9, mib(size(zDir)));
        double z = timeZooKeeperStart(zDir, last);
        System.out.printf(Locale.ROOT, "| log replay, %,d entries | Meerkat %.0f ms | ZooKeeper %.0f ms | ratio M/ZK %.2f |%n", entries, mDefault, z, mDefault / z);
        delete(mDir);
        delete(zDir);
    }

    private static void snapshotRecovery(Path work, int count) throws Exception {
        List<String> paths = paths(count);
        String last = paths.get(paths.size() - 1);

        // Meerkat: the state machine built by applying the same commands, written as the node writes it.
        StateMachine sm = new StateMachine();
        long index = 1;
        sm.apply(index, new Proposal(TIME, 0, 0, new Command.CreateSession(30_000, new byte[16])));
        for (String p : paths) {
            OpResult r = sm.apply(++index, new Proposal(TIME, 0, 0, new Command.ClientWrite(SESSION, List.of(),
                    new WriteOp.Create(p, SMALL, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1)))).result();
            if (r instanceof OpResult.Error e) throw new IllegalStateException("create " + p + ": " + e);
        }
        // What Node.maybeSnapshot does on the tree thread before handing the image to the snapshot
        // thread: the capture. The tree serves nothing meanwhile; encoding happens off it.
        long p0 = System.nanoTime();
        SnapshotImage captured = SnapshotCodec.capture(sm, 1);
        double pauseMs = (System.nanoTime() - p0) / 1e6;
        captured = null;
        Path mDir = Files.createTempDirectory(work, "meerkat-snapshot-recovery-");
        DataDirectory.open(mDir).close();
        long t0 = System.nanoTime();
        SnapshotStore store = SnapshotStore.open(mDir.resolve("snapshots"));
        try (SnapshotWriter w = store.begin(index, 1)) {
            OutputStream buffered = new BufferedOutputStream(w.outputStream(), 1 << 16);
            DataOutputStream out = new DataOutputStream(buffered);
            SnapshotCodec.write(sm, 1, out);
            out.flush();
            w.commit();
        }
        double mWriteMs = (System.nanoTime() - t0) / 1e6;
        long mSize = store.newestValid().orElseThrow().size();
        // The log starts after the snapshot, as it does once compaction has run.
        try (ChronicleLogStore log = ChronicleLogStore.open(mDir.resolve("log"))) {
            log.resetToSnapshot(index, 1);
        }
        sm = null;

        // ZooKeeper: the same znodes in its DataTree, written by its own snapshot code.
        DataTree dt = new DataTree();
        long zxid = 0;
        for (String p : paths) {
            zxid++;
            dt.createNode(p, SMALL, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, -1, zxid, TIME);
        }
        dt.lastProcessedZxid = zxid;
        Path zDir = Files.createTempDirectory(work, "zookeeper-snapshot-recovery-");
        t0 = System.nanoTime();
        FileTxnSnapLog snapLog = new FileTxnSnapLog(zDir.toFile(), zDir.toFile());
        java.io.File snap;
        ConcurrentHashMap<Long, Integer> sessions = new ConcurrentHashMap<>();
        sessions.put(1L, 30_000);
        try {
            snap = snapLog.save(dt, sessions, true);
        } finally {
            snapLog.close();
        }
        double zWriteMs = (System.nanoTime() - t0) / 1e6;
        long zSize = newestZkSnapshot(zDir);
        dt = null;
        System.gc();

        System.out.printf(Locale.ROOT, "| snapshot size, %,d znodes | Meerkat %s | ZooKeeper %s (%s) | ratio M/ZK %.2f |%n",
                paths.size(), mib(mSize), mib(zSize), snap.getName(), (double) mSize / zSize);
        System.out.printf(Locale.ROOT, "| Meerkat tree-thread pause to capture the snapshot image (Node.maybeSnapshot) | %.0f ms | (ZooKeeper serialises on its snapshot thread: no pause) | - |%n", pauseMs);
        System.out.printf(Locale.ROOT, "| snapshot write + fsync | Meerkat %.0f ms | ZooKeeper %.0f ms | ratio M/ZK %.2f |%n", mWriteMs, zWriteMs, mWriteMs / zWriteMs);
        double m = timeMeerkatStart(mDir, last, ServerConfig.defaults());
        double z = timeZooKeeperStart(zDir, last);
        System.out.printf(Locale.ROOT, "| snapshot load, %,d znodes | Meerkat %.0f ms | ZooKeeper %.0f ms | ratio M/ZK %.2f |%n", paths.size(), m, z, m / z);
        delete(mDir);
        delete(zDir);
    }

    /** Milliseconds from {@code Meerkat.start} to its return (it returns once serving); checked with a real client. */
    private static double timeMeerkatStart(Path dir, String mustExist, ServerConfig base) throws Exception {
        System.gc();
        long t0 = System.nanoTime();
        try (Meerkat m = Meerkat.start(base.withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(dir))) {
            double ms = (System.nanoTime() - t0) / 1e6;
            check(m.connectString(), mustExist);
            return ms;
        }
    }

    /** Milliseconds from starting ZooKeeper until it serves requests ({@code srvr} stops saying it is not serving). */
    private static double timeZooKeeperStart(Path dir, String mustExist) throws Exception {
        System.gc();
        long t0 = System.nanoTime();
        try (ReferenceZooKeeper zk = ReferenceZooKeeper.start(dir)) {
            while (!serving(zk.connectString())) Thread.sleep(2);
            double ms = (System.nanoTime() - t0) / 1e6;
            check(zk.connectString(), mustExist);
            return ms;
        }
    }

    private static boolean serving(String connect) {
        String[] hp = connect.split(":");
        try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            // ZooKeeper 3.9.5 may leave a four-letter-word socket open when asked before its database is loaded.
            s.setSoTimeout(200);
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.contains("Zookeeper version") && !answer.contains("not currently serving");
        } catch (IOException e) {
            return false;
        }
    }

    private static void check(String connect, String path) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        try {
            if (!connected.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + connect);
            if (zk.exists(path, false) == null) throw new IllegalStateException(path + " missing after recovery from " + connect);
        } finally {
            zk.close();
        }
    }

    private static long newestZkSnapshot(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("version-2"))) {
            Path newest = files.filter(f -> f.getFileName().toString().startsWith("snapshot."))
                    .max(Comparator.comparingLong(f -> Long.parseLong(f.getFileName().toString().substring(9), 16))).orElseThrow();
            return Files.size(newest);
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
