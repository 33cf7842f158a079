package dev.meerkat.server.migrate;

import dev.meerkat.core.api.Stat;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.storage.Fsync;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.PathRules;
import dev.meerkat.core.tree.Znode;
import dev.meerkat.server.migrate.zookeeper.ZkFiles;
import dev.meerkat.server.migrate.zookeeper.ZkSnapshotWriter;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code meerkat export --data-dir ... --zookeeper-data-dir ...}: a stopped Meerkat's state as a
 * snapshot Apache ZooKeeper loads, {@code <dir>/version-2/snapshot.<zxid>}, with the same tree:
 * data, ACLs, every stat field (cversion converted back to ZooKeeper's count of child creations),
 * containers and TTL nodes. Sessions are not carried: their ephemerals are deleted at the zxid
 * after Meerkat's last, which then names the snapshot; ZooKeeper continues from there.
 */
public final class Export {
    private static final String TEMP_PREFIX = ".meerkat-export-";

    public record Options(Path dataDir, Path dataLogDir, Path zkDataDir, Path zkLogDir, boolean force) {
    }

    public record Summary(long znodes, long dataBytes, long zxid, Path snapshot, long snapshotBytes, int droppedEphemerals,
                          int droppedSessions, int replacedFiles, boolean alreadyUpToDate, double seconds, String from) {
    }

    private final Options options;
    private final ConsoleProgress progress;

    public Export(Options options, ConsoleProgress progress) {
        this.options = options;
        this.progress = progress;
    }

    public Summary run() throws MigrationException {
        long t0 = System.nanoTime();
        Path snapDir = options.zkDataDir().resolve(ZkFiles.VERSION_DIR);
        Path logDir = options.zkLogDir() == null ? snapDir : options.zkLogDir().resolve(ZkFiles.VERSION_DIR);
        ImportTarget meerkat = new ImportTarget(options.dataDir(), options.dataLogDir());
        if (meerkat.overlaps(options.zkDataDir()) || (options.zkLogDir() != null && meerkat.overlaps(options.zkLogDir()))) {
            throw new MigrationException(MigrationException.BAD_INPUT, "the ZooKeeper directories and the Meerkat data directory "
                    + options.dataDir() + " must be apart (one is inside the other)");
        }
        List<Path> existing = zookeeperFiles(snapDir, logDir);
        // One snapshot may be this very export run before; anything else is refused before any work.
        boolean maybeRerun = existing.size() == 1 && existing.get(0).getFileName().toString().startsWith(ZkFiles.SNAPSHOT_PREFIX + ".");
        if (!existing.isEmpty() && !maybeRerun && !options.force()) throw notEmpty(snapDir, existing);
        MeerkatData.Loaded loaded = MeerkatData.load(options.dataDir(), options.dataLogDir(), progress);
        StateMachine state = loaded.state();
        DataTree tree = state.tree();
        List<String> ephemerals = Ephemerals.of(tree);
        java.util.Set<Long> sessions = new java.util.HashSet<>(state.sessions().keySet());
        for (String p : ephemerals) sessions.add(tree.get(p).ephemeralOwner());
        long zxid = ephemerals.isEmpty() ? state.lastApplied() : state.lastApplied() + 1;
        Ephemerals.delete(tree, ephemerals, zxid);

        long bytes = 0;
        for (String p : tree.paths()) {
            byte[] d = tree.get(p).data();
            bytes += d == null ? 0 : d.length;
        }
        Path target = snapDir.resolve(ZkFiles.snapshotName(zxid));
        Path temp = snapDir.resolve(TEMP_PREFIX + Long.toHexString(zxid) + ".tmp");
        try {
            Files.createDirectories(snapDir);
            Files.createDirectories(logDir);
            progress.phase("writing " + target, 0);
            ZkSnapshotWriter.write(source(tree), zxid, temp, n -> progress.count("znodes written", n));
            progress.endLine();
            if (existing.size() == 1 && existing.get(0).equals(target) && Files.mismatch(temp, target) == -1) {
                Files.delete(temp);
                return summary(tree.size(), bytes, zxid, target, ephemerals.size(), sessions.size(), 0, true, t0, loaded.snapshot());
            }
            if (!existing.isEmpty() && !options.force()) {
                Files.delete(temp);
                throw notEmpty(snapDir, existing);
            }
            // Newer snapshots and every old log go before ours appears, so ZooKeeper never picks an old one
            // or replays old transactions on top of it; the files are replaced, a crash meanwhile is
            // mended by running the export again.
            for (Path p : existing) Files.deleteIfExists(p);
            Fsync.directory(snapDir);
            if (!logDir.equals(snapDir)) Fsync.directory(logDir);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            Fsync.directory(snapDir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // reported below
            }
            throw new MigrationException(MigrationException.BAD_INPUT, "cannot write " + target + ": " + e, e);
        }
        return summary(tree.size(), bytes, zxid, target, ephemerals.size(), sessions.size(), existing.size(), false, t0, loaded.snapshot());
    }

    private Summary summary(long znodes, long bytes, long zxid, Path target, int ephemerals, int sessions, int replaced,
                            boolean upToDate, long t0, String from) throws MigrationException {
        try {
            return new Summary(znodes, bytes, zxid, target, Files.size(target), ephemerals, sessions, replaced, upToDate,
                    (System.nanoTime() - t0) / 1e9, from);
        } catch (IOException e) {
            throw new MigrationException(MigrationException.BAD_INPUT, "cannot stat " + target + ": " + e, e);
        }
    }

    /**
     * Meerkat's tree in ZooKeeper's terms, parents first: cversion back to ZooKeeper's stored count
     * of child creations (creations plus deletions is what Meerkat stores; with the children still
     * there that sum is even, every create and delete counting once).
     */
    static ZkSnapshotWriter.Source source(DataTree tree) {
        return visitor -> {
            ArrayDeque<String> todo = new ArrayDeque<>();
            todo.add("/");
            while (!todo.isEmpty()) {
                String p = todo.poll();
                Znode z = tree.get(p);
                Stat s = z.stat();
                int sum = s.cversion() + s.numChildren();
                if ((sum & 1) != 0) {
                    throw new IllegalStateException("znode " + p + " has cversion " + s.cversion() + " with " + s.numChildren()
                            + " children: every create and delete counts once, so their sum must be even");
                }
                visitor.node(p, z.data(), z.acl(), s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(), sum / 2, s.aversion(),
                        s.ephemeralOwner(), s.pzxid());
                for (String n : z.children()) todo.add(PathRules.child(p, n));
            }
        };
    }

    /** What ZooKeeper would read from these directories: snapshots, logs and the epoch files of a quorum member. */
    private static List<Path> zookeeperFiles(Path snapDir, Path logDir) throws MigrationException {
        List<Path> out = new ArrayList<>();
        for (Path d : logDir.equals(snapDir) ? List.of(snapDir) : List.of(snapDir, logDir)) {
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith(ZkFiles.SNAPSHOT_PREFIX + ".") || n.startsWith(ZkFiles.LOG_PREFIX + ".")
                            || n.equals("acceptedEpoch") || n.equals("currentEpoch") || n.equals("updatingEpoch");
                }).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new MigrationException(MigrationException.BAD_INPUT, "cannot list " + d + ": " + e, e);
            }
        }
        return out;
    }

    private static MigrationException notEmpty(Path snapDir, List<Path> existing) {
        return new MigrationException(MigrationException.TARGET_NOT_EMPTY, snapDir + " already holds ZooKeeper data ("
                + describe(existing) + "); nothing was changed. Pass --force to replace it (ZooKeeper would otherwise"
                + " load those files, or replay old transactions on top of the export).");
    }

    private static String describe(List<Path> files) {
        List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
        return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }

    public static void print(Summary s, PrintWriter out) {
        out.println(s.alreadyUpToDate() ? "Already exported: " + s.snapshot() + " holds exactly this export; nothing to do." : "Export complete.");
        out.printf(Locale.ROOT, "  znodes:          %,d (%s of data)%n", s.znodes(), ConsoleProgress.bytes(s.dataBytes()));
        out.printf(Locale.ROOT, "  from:            %s%n", s.from());
        out.printf(Locale.ROOT, "  ZooKeeper file:  %s (%s), zxid 0x%x%n", s.snapshot(), ConsoleProgress.bytes(s.snapshotBytes()), s.zxid());
        out.printf(Locale.ROOT, "  skipped:         %,d ephemeral znode(s) of %d session(s) (sessions are not carried)%n",
                s.droppedEphemerals(), s.droppedSessions());
        if (s.replacedFiles() > 0) out.printf(Locale.ROOT, "  replaced:        %d old ZooKeeper file(s) (--force)%n", s.replacedFiles());
        out.printf(Locale.ROOT, "  time:            %.1f s (%,.0f znodes/s)%n", s.seconds(), s.znodes() / Math.max(1e-3, s.seconds()));
    }
}
