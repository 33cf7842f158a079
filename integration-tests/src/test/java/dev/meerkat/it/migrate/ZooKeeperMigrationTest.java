package dev.meerkat.it.migrate;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * ZooKeeper 3.9.5 to Meerkat and back with the real servers and the real command line: a
 * ZooKeeper fills its files under load (fuzzy snapshots, several logs, a separate dataLogDir) with a
 * tree of every kind of znode; the import must give a Meerkat serving the very tree a restarted
 * ZooKeeper serves, every Stat field included; the export must give a ZooKeeper serving the very
 * tree Meerkat served. Damaged files, re-runs and occupied targets behave as documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperMigrationTest {
    private static final int SESSION_MS = 30_000;

    @TempDir
    static Path dir;

    private Path zkData;
    private Path zkLog;
    /** The last zxid ZooKeeper wrote, and its tree as a restarted ZooKeeper serves it once the leftover session expired. */
    private long zkLastZxid;
    private Map<String, String> zkDump;
    private Map<String, String> meerkatDump;

    @BeforeAll
    void fillZooKeeper() throws Exception {
        zkData = dir.resolve("zk-data");
        zkLog = dir.resolve("zk-log");
        ZooKeeper leftover;
        try (RealZooKeeper zk = new RealZooKeeper(zkData, zkLog, 100)) {
            ZooKeeper c = zk.client(SESSION_MS);
            OddTree.build(c);
            // A session that never closes: its ephemerals are in the files, as after a crash of its client.
            leftover = zk.client(4000);
            leftover.create(OddTree.ROOT + "/ephemeral", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            leftover.create(OddTree.ROOT + "/seq/ephemeral-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            c.close();
            zkLastZxid = zk.zxid();
        }
        leftover.close(10);
        assertThat(Files.list(zkData.resolve("version-2")).filter(p -> p.getFileName().toString().startsWith("snapshot.")).count())
                .as("ZooKeeper took several snapshots").isGreaterThan(2);
    }

    @Test
    @Order(1)
    void importGivesMeerkatTheTreeZooKeeperServesEveryStatIncluded() throws Exception {
        Path m = dir.resolve("meerkat");
        Cli.Result r = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", m.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Import complete").contains("2 ephemeral znode(s) of 1 session(s)")
                .containsPattern("checked: +[1-9][0-9,]* ZooKeeper digest\\(s\\), 0 mismatch");

        // ZooKeeper on the same files, once the leftover session has expired: its closeSession is
        // the first new transaction, which is what the import made of it.
        try (RealZooKeeper zk = new RealZooKeeper(zkData, zkLog, 100)) {
            await("the leftover session expires on ZooKeeper").atMost(Duration.ofSeconds(60)).until(() -> zk.zxid() > zkLastZxid);
            assertThat(zk.zxid()).isEqualTo(zkLastZxid + 1);
            try (ZooKeeper c = alice(zk.connectString())) {
                zkDump = TreeDump.of(c);
            }
        }
        assertThat(zkDump).containsKeys(OddTree.ROOT + "/big", OddTree.ROOT + "/ttl", "/zookeeper/quota" + OddTree.ROOT + "/zookeeper_stats")
                .doesNotContainKey(OddTree.ROOT + "/ephemeral");

        try (Meerkat meerkat = Meerkat.embedded(m); ZooKeeper c = alice(meerkat.connectString())) {
            Map<String, String> dump = TreeDump.of(c);
            assertThat(dump).containsExactlyEntriesOf(zkDump);
            // Meerkat's zxids continue after ZooKeeper's: a broker epoch (a czxid) keeps growing across the switch.
            // (Outside the quota'd /odd: Meerkat keeps quota stat znodes as data, ZooKeeper recounts them on load.)
            String p = c.create("/after-import", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Stat st = c.exists(p, false);
            assertThat(st.getCzxid()).isGreaterThan(zkLastZxid + 1).isGreaterThan(TreeDump.maxZxid(zkDump));
            meerkatDump = TreeDump.of(c);
        }
    }

    @Test
    @Order(2)
    void exportGivesZooKeeperTheTreeMeerkatServed() throws Exception {
        Path zk2 = dir.resolve("zk-exported");
        Cli.Result r = Cli.run("export", "--data-dir", dir.resolve("meerkat").toString(), "--zookeeper-data-dir", zk2.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Export complete").contains("snapshot.");
        try (RealZooKeeper zk = new RealZooKeeper(zk2, null, 100000); ZooKeeper c = alice(zk.connectString())) {
            assertThat(TreeDump.of(c)).containsExactlyEntriesOf(meerkatDump);
            String p = c.create("/after-export", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(c.exists(p, false).getCzxid()).isGreaterThan(TreeDump.maxZxid(meerkatDump));
        }
    }

    @Test
    @Order(3)
    void theSameImportGivesByteIdenticalDataAndARerunChangesNothing() throws Exception {
        Path a = dir.resolve("ensemble-1");
        Path b = dir.resolve("ensemble-2");
        for (Path target : List.of(a, b)) {
            Cli.Result r = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                    "--data-dir", target.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        assertThat(files(a)).isEqualTo(files(b)).isNotEmpty();
        for (Path f : files(a)) assertThat(Files.mismatch(a.resolve(f), b.resolve(f))).as(f.toString()).isEqualTo(-1);

        Cli.Result again = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", a.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("Already imported");
        for (Path f : files(a)) assertThat(Files.mismatch(a.resolve(f), b.resolve(f))).as(f.toString()).isEqualTo(-1);
    }

    @Test
    @Order(4)
    void occupiedTargetsAreRefusedUnlessForcedAndARunningServersNever() throws Exception {
        // A Meerkat directory a server has written to since (test 1): not this import's result.
        Path m = dir.resolve("meerkat");
        Cli.Result refused = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", m.toString());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.err()).contains("--force").contains("nothing was changed");

        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        Cli.Result foreignRefused = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", foreign.toString());
        assertThat(foreignRefused.exit()).isEqualTo(3);
        assertThat(foreignRefused.err()).contains("notes.txt");
        try (Stream<Path> s = Files.list(foreign)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("notes.txt");
        }

        try (Meerkat running = Meerkat.embedded(m)) {
            Cli.Result inUse = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                    "--data-dir", m.toString(), "--force");
            assertThat(inUse.exit()).as(inUse.toString()).isEqualTo(4);
            Cli.Result exportInUse = Cli.run("export", "--data-dir", m.toString(), "--zookeeper-data-dir", dir.resolve("zk-x").toString());
            assertThat(exportInUse.exit()).as(exportInUse.toString()).isEqualTo(4);
        }

        Cli.Result forced = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", m.toString(), "--force");
        assertThat(forced.exit()).as(forced.toString()).isZero();
        try (Meerkat meerkat = Meerkat.embedded(m); ZooKeeper c = alice(meerkat.connectString())) {
            assertThat(TreeDump.of(c)).containsExactlyEntriesOf(zkDump);
        }

        // ZooKeeper ran on the exported directory (test 2) and wrote its own files there since.
        Path zk2 = dir.resolve("zk-exported");
        Cli.Result exportRefused = Cli.run("export", "--data-dir", m.toString(), "--zookeeper-data-dir", zk2.toString());
        assertThat(exportRefused.exit()).as(exportRefused.toString()).isEqualTo(3);
        Cli.Result exportForced = Cli.run("export", "--data-dir", m.toString(), "--zookeeper-data-dir", zk2.toString(), "--force");
        assertThat(exportForced.exit()).as(exportForced.toString()).isZero();
        try (Stream<Path> s = Files.list(zk2.resolve("version-2"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).singleElement().asString().startsWith("snapshot.");
        }
        Cli.Result exportAgain = Cli.run("export", "--data-dir", m.toString(), "--zookeeper-data-dir", zk2.toString());
        assertThat(exportAgain.exit()).as(exportAgain.toString()).isZero();
        assertThat(exportAgain.out()).contains("Already exported");
    }

    @Test
    @Order(5)
    void damagedFilesAreReportedWithFileAndOffsetAndNothingHalfWrittenIsLeft() throws Exception {
        Path reference = dir.resolve("ensemble-1");

        // A torn last entry (a crash while ZooKeeper wrote it): discarded, as ZooKeeper discards it.
        Path torn = copyOfZooKeeper("torn");
        Path newestLog = newest(torn.resolve("log/version-2"), "log.");
        long end = endOfData(newestLog);
        try (RandomAccessFile f = new RandomAccessFile(newestLog.toFile(), "rw")) {
            f.setLength(end - 5);
        }
        Cli.Result t = Cli.run("import", "--zookeeper-data-dir", torn.resolve("data").toString(), "--zookeeper-log-dir",
                torn.resolve("log").toString(), "--data-dir", dir.resolve("from-torn").toString());
        assertThat(t.exit()).as(t.toString()).isZero();
        assertThat(t.out()).contains("note: " + newestLog).contains("cut short");

        // A corrupt newest snapshot: the older one plus the logs give the same tree, byte for byte.
        Path corrupt = copyOfZooKeeper("corrupt-snapshot");
        Path newestSnap = newest(corrupt.resolve("data/version-2"), "snapshot.");
        flip(newestSnap, Files.size(newestSnap) / 2);
        Cli.Result c = Cli.run("import", "--zookeeper-data-dir", corrupt.resolve("data").toString(), "--zookeeper-log-dir",
                corrupt.resolve("log").toString(), "--data-dir", dir.resolve("from-corrupt").toString());
        assertThat(c.exit()).as(c.toString()).isZero();
        assertThat(c.out()).contains(newestSnap.toString()).contains("falling back");
        assertThat(files(dir.resolve("from-corrupt"))).isEqualTo(files(reference));
        for (Path f : files(reference)) {
            assertThat(Files.mismatch(reference.resolve(f), dir.resolve("from-corrupt").resolve(f))).as(f.toString()).isEqualTo(-1);
        }

        // A transaction whose checksum fails: ZooKeeper refuses to start on it, the import refuses to write.
        Path crc = copyOfZooKeeper("crc");
        Path log = newest(crc.resolve("log/version-2"), "log.");
        long entry = endOfData(log) - 30;
        flip(log, entry);
        Path target = dir.resolve("from-crc");
        Cli.Result bad = Cli.run("import", "--zookeeper-data-dir", crc.resolve("data").toString(), "--zookeeper-log-dir",
                crc.resolve("log").toString(), "--data-dir", target.toString());
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.err()).contains(log.toString()).containsPattern("at offset \\d+").contains("checksum").contains("Nothing was written");
        assertThat(target).doesNotExist();
        Cli.Result discarded = Cli.run("import", "--zookeeper-data-dir", crc.resolve("data").toString(), "--zookeeper-log-dir",
                crc.resolve("log").toString(), "--data-dir", target.toString(), "--discard-damaged-tail");
        assertThat(discarded.exit()).as(discarded.toString()).isZero();
        assertThat(discarded.out()).contains("--discard-damaged-tail");
    }

    @Test
    @Order(6)
    void anInterruptedImportLeavesADirectoryNoMeerkatStartsOnAndARerunCompletesIt() throws Exception {
        Path t = dir.resolve("interrupted");
        Cli.Result dry = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", t.toString(), "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("Dry run: nothing was written").contains("znodes:");
        assertThat(t).doesNotExist();

        // What a kill between the staging and the last rename leaves: content, a staging directory, no FORMAT.
        Cli.Result r = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", t.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        Files.delete(t.resolve("FORMAT"));
        Files.createDirectories(t.resolve(".meerkat-import/snapshots"));
        assertThatThrownBy(() -> Meerkat.embedded(t).close()).hasMessageContaining("not a Meerkat data directory");

        Cli.Result rerun = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", t.toString());
        assertThat(rerun.exit()).as(rerun.toString()).isZero();
        assertThat(files(t)).isEqualTo(files(dir.resolve("ensemble-1")));
    }

    @Test
    @Order(7)
    void aSeparateLogDirectoryIsWhereAMeerkatWithDataLogDirLooks() throws Exception {
        Path data = dir.resolve("split-data");
        Path log = dir.resolve("split-log");
        Cli.Result r = Cli.run("import", "--zookeeper-data-dir", zkData.toString(), "--zookeeper-log-dir", zkLog.toString(),
                "--data-dir", data.toString(), "--data-log-dir", log.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=" + data + "\ndataLogDir=" + log + "\nclientPort=0\nclientPortAddress=127.0.0.1\n");
        try (Meerkat meerkat = Meerkat.start(new dev.meerkat.server.config.ZooCfgParser().parse(cfg));
             ZooKeeper c = alice(meerkat.connectString())) {
            assertThat(TreeDump.of(c)).containsExactlyEntriesOf(zkDump);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A client that may read everything of the odd tree (some of it only alice may). */
    private static ZooKeeper alice(String connectString) throws Exception {
        ZooKeeper c = RealZooKeeper.connect(connectString, SESSION_MS);
        c.addAuthInfo("digest", "alice:secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return c;
    }

    private Path copyOfZooKeeper(String name) throws IOException {
        Path to = dir.resolve("damaged-" + name);
        copyTree(zkData, to.resolve("data"));
        copyTree(zkLog, to.resolve("log"));
        return to;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }

    private static Path newest(Path versionDir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(versionDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(prefix.length()), 16)))
                    .orElseThrow();
        }
    }

    /** Where the entries of a preallocated ZooKeeper log end: the first of its trailing zero bytes. */
    private static long endOfData(Path log) throws IOException {
        byte[] b = Files.readAllBytes(log);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) end--;
        return end; // just after the last entry's end-of-record byte 'B'
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
    }

    /** The files a Meerkat data directory holds, relative to it, without the lock (it holds a pid). */
    private static List<Path> files(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                if (!p.getFileName().toString().equals("LOCK")) out.add(root.relativize(p));
            }
        }
        return out;
    }
}
