package dev.meerkat.it.migrate;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.migrate.live.LiveCopy;
import dev.meerkat.server.migrate.live.LiveCopyOptions;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live copy from a running ZooKeeper 3.9.5 into a running Meerkat while a client keeps writing
 * to ZooKeeper: once the writes stop the target must be in step (every persistent znode with the
 * same data, ACL and children; parents' sequence counters at the source's, so the next sequential
 * znode gets the same name on both), the source untouched, and re-runs and foreign targets handled.
 */
class LiveCopyTest {
    private static final int SESSION_MS = 30_000;
    private static final String SUPER = "super:" + OddTree.digest("super:pw").split(":", 2)[1];

    @TempDir
    Path dir;

    @Test
    void aTreeBeingWrittenIsCopiedAndKeptInStepAndTheSourceIsOnlyRead() throws Exception {
        try (RealZooKeeper zk = new RealZooKeeper(dir.resolve("zk"), null, 100000);
             Meerkat meerkat = Meerkat.start(ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1")
                     .withDataDir(dir.resolve("meerkat")).withSuperDigest(SUPER));
             ZooKeeper source = alice(zk.connectString())) {
            OddTree.build(source);
            source.create("/odd/live", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            ZooKeeper ephemeralOwner = alice(zk.connectString());
            ephemeralOwner.create("/odd/live/registration", "me".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

            StringWriter out = new StringWriter();
            LiveCopy copy = new LiveCopy(LiveCopyOptions.parse(zk.connectString() + "/odd", meerkat.connectString(),
                    List.of("digest:alice:secret"), List.of("digest:super:pw"), false, false, 2, 1),
                    new PrintWriter(out, true), new PrintWriter(out, true));
            copy.start();
            assertThat(out.toString()).contains("first copy:");

            // A writer keeps changing the source meanwhile: every kind of change the copy must follow.
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger writes = new AtomicInteger();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                Random random = new Random(7);
                try {
                    while (writing.get()) {
                        int i = writes.incrementAndGet();
                        String p = "/odd/live/n" + random.nextInt(30);
                        switch (random.nextInt(6)) {
                            case 0 -> source.create("/odd/live/seq-", ("s" + i).getBytes(StandardCharsets.UTF_8),
                                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                            case 1 -> ignore(() -> source.create(p, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                            case 2 -> ignore(() -> source.setData(p, ("d" + i).getBytes(StandardCharsets.UTF_8), -1));
                            case 3 -> ignore(() -> source.delete(p, -1));
                            case 4 -> ignore(() -> source.setACL(p, i % 2 == 0 ? OddTree.MIXED : ZooDefs.Ids.OPEN_ACL_UNSAFE, -1));
                            default -> ignore(() -> source.create(p + "/deep", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                        }
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "source-writer");
            writer.start();
            await("the copy applies changes while the source is written").atMost(Duration.ofSeconds(60))
                    .until(() -> copy.status().changesApplied() > 100 && writes.get() > 300);
            writing.set(false);
            writer.join();
            assertThat(writerFailure.get()).isNull();

            Map<String, String> sourceBefore = TreeDump.of(source, "/odd");
            LiveCopy.Status s = copy.awaitInStep(Duration.ofSeconds(60));
            assertThat(s.inStep()).as(s.toString()).isTrue();
            assertThat(s.skippedEphemerals()).isEqualTo(1);
            try (ZooKeeper target = alice(meerkat.connectString())) {
                java.util.Set<String> ephemeralParents = new java.util.HashSet<>();
                Map<String, String> expected = copyView(source, "/odd", ephemeralParents);
                Map<String, String> actual = copyView(target, "/odd", new java.util.HashSet<>());
                // Where the source has an ephemeral child the target does not (it is never copied), cversions differ by design.
                for (String p : ephemeralParents) actual.computeIfPresent(p, (k, v) -> v.replaceAll(" cversion=-?\\d+$", ""));
                assertThat(actual).isEqualTo(expected);
                // The next sequential znode gets the same number on both servers.
                String onSource = source.create("/odd/live/seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                String onTarget = target.create("/odd/live/seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                assertThat(onTarget).isEqualTo(onSource);
                target.delete(onTarget, -1);
                source.delete(onSource, -1);
            }
            assertThat(copy.stop()).isZero();
            assertThat(out.toString()).contains("the target is in step with the source");
            // The copy only read: every stat of the source is as the writer left it.
            Map<String, String> sourceAfter = TreeDump.of(source, "/odd");
            sourceBefore.keySet().retainAll(sourceAfter.keySet());
            assertThat(withoutSeqParent(sourceAfter)).isEqualTo(withoutSeqParent(sourceBefore));
            ephemeralOwner.close();
        }
    }

    @Test
    void theSameCopyCanBeRunAgainButAnotherSourceOrAForeignTreeNeedsForce() throws Exception {
        try (RealZooKeeper zk = new RealZooKeeper(dir.resolve("zk"), null, 100000);
             RealZooKeeper other = new RealZooKeeper(dir.resolve("other"), null, 100000);
             Meerkat meerkat = Meerkat.embedded();
             ZooKeeper source = alice(zk.connectString())) {
            source.create("/app", "v1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            source.create("/app/config", "x".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            Cli.Result first = Cli.run("import", "--from-zookeeper", zk.connectString() + "/app", "--to", meerkat.connectString(), "--once");
            assertThat(first.exit()).as(first.toString()).isZero();
            assertThat(first.out()).contains("first copy: 2 znode(s) written").contains("in step");

            source.setData("/app/config", "y".getBytes(StandardCharsets.UTF_8), -1);
            Cli.Result again = Cli.run("import", "--from-zookeeper", zk.connectString() + "/app", "--to", meerkat.connectString(), "--once");
            assertThat(again.exit()).as(again.toString()).isZero();
            assertThat(again.out()).contains("resuming");
            try (ZooKeeper target = RealZooKeeper.connect(meerkat.connectString(), SESSION_MS)) {
                assertThat(target.getData("/app/config", false, null)).isEqualTo("y".getBytes(StandardCharsets.UTF_8));
            }

            Cli.Result otherSource = Cli.run("import", "--from-zookeeper", other.connectString() + "/app", "--to", meerkat.connectString(), "--once");
            assertThat(otherSource.exit()).as(otherSource.toString()).isEqualTo(3);
            assertThat(otherSource.err()).contains("--force");

            try (ZooKeeper target = RealZooKeeper.connect(meerkat.connectString(), SESSION_MS)) {
                target.create("/mine", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            Cli.Result foreign = Cli.run("import", "--from-zookeeper", zk.connectString(), "--to", meerkat.connectString(), "--once");
            assertThat(foreign.exit()).as(foreign.toString()).isEqualTo(3);
            assertThat(foreign.err()).contains("not empty").contains("mine");
            Cli.Result forced = Cli.run("import", "--from-zookeeper", zk.connectString(), "--to", meerkat.connectString(), "--once", "--force");
            assertThat(forced.exit()).as(forced.toString()).isZero();
            try (ZooKeeper target = RealZooKeeper.connect(meerkat.connectString(), SESSION_MS)) {
                assertThat(target.exists("/mine", false)).as("what the source does not have goes").isNull();
                assertThat(target.getData("/app/config", false, null)).isEqualTo("y".getBytes(StandardCharsets.UTF_8));
            }
            Cli.Result unreachable = Cli.run("import", "--from-zookeeper", "127.0.0.1:" + RealZooKeeper.freePort(), "--to",
                    meerkat.connectString(), "--once");
            assertThat(unreachable.exit()).isEqualTo(1);
            assertThat(unreachable.err()).contains("source");
        }
    }

    @Test
    void aLostConnectionToTheSourceIsReEstablishedAndWhatChangedMeanwhileIsCopied() throws Exception {
        try (RealZooKeeper zk = new RealZooKeeper(dir.resolve("zk"), null, 100000);
             dev.meerkat.it.protocol.TcpProxy proxy = new dev.meerkat.it.protocol.TcpProxy(Integer.parseInt(zk.connectString().split(":")[1]));
             Meerkat meerkat = Meerkat.embedded();
             ZooKeeper source = RealZooKeeper.connect(zk.connectString(), SESSION_MS);
             ZooKeeper target = RealZooKeeper.connect(meerkat.connectString(), SESSION_MS)) {
            source.create("/app", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            StringWriter out = new StringWriter();
            LiveCopy copy = new LiveCopy(LiveCopyOptions.parse(proxy.connectString() + "/app", meerkat.connectString(), List.of(), List.of(),
                    false, false, 3600, 3600), new PrintWriter(out, true), new PrintWriter(out, true));
            copy.start();
            source.create("/app/before", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            await("a change is copied").atMost(Duration.ofSeconds(30)).until(() -> target.exists("/app/before", false) != null);

            proxy.down(); // the copy's session to the source is cut, and new connections refused for a while
            source.create("/app/while-down", "x".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            source.delete("/app/before", -1);
            await("the copy notices").atMost(Duration.ofSeconds(30)).until(() -> copy.status().problem() != null);
            proxy.up();
            // Watches died with the old session: the new one starts with a full comparison.
            await("what changed while the source was unreachable is copied").atMost(Duration.ofSeconds(60))
                    .until(() -> target.exists("/app/while-down", false) != null && target.exists("/app/before", false) == null);
            assertThat(copy.awaitInStep(Duration.ofSeconds(60)).inStep()).as(out.toString()).isTrue();
            assertThat(copy.stop()).isZero();
            assertThat(out.toString()).contains("reconnecting");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private interface ZkCall {
        void run() throws Exception;
    }

    private static void ignore(ZkCall call) throws Exception {
        try {
            call.run();
        } catch (KeeperException.NoNodeException | KeeperException.NodeExistsException | KeeperException.NotEmptyException e) {
            // the writer races with itself on purpose
        }
    }

    private static ZooKeeper alice(String connectString) throws Exception {
        ZooKeeper c = RealZooKeeper.connect(connectString, SESSION_MS);
        c.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
        return c;
    }

    /**
     * What the live copy promises: per persistent znode its data, ACL and persistent children, and
     * the cversion where no ephemeral child makes the two sides differ on purpose.
     */
    private static Map<String, String> copyView(ZooKeeper zk, String root, java.util.Set<String> ephemeralParents) throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<String> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            Stat st = new Stat();
            byte[] data = zk.getData(p, false, st);
            if (st.getEphemeralOwner() != 0) continue;
            List<ACL> acl = zk.getACL(p, new Stat());
            List<String> kids = new ArrayList<>();
            boolean ephemeralChild = false;
            for (String c : zk.getChildren(p, false)) {
                String cp = p + "/" + c;
                Stat cs = zk.exists(cp, false);
                if (cs != null && cs.getEphemeralOwner() != 0) {
                    ephemeralChild = true;
                    continue;
                }
                kids.add(c);
                todo.add(cp);
            }
            kids.sort(null);
            if (ephemeralChild) ephemeralParents.add(p.substring(root.length()));
            out.put(p.substring(root.length()), (data == null ? "null" : HexFormat.of().formatHex(data)) + " " + acl + " " + kids
                    + (ephemeralChild ? "" : " cversion=" + st.getCversion()));
        }
        return out;
    }

    /** The parent of the probe sequential znode changed by the test itself (a create and a delete). */
    private static Map<String, String> withoutSeqParent(Map<String, String> dump) {
        Map<String, String> m = new TreeMap<>(dump);
        m.remove("/odd/live");
        return m;
    }
}
