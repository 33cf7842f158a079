package dev.meerkat.server.migrate;

import dev.meerkat.server.migrate.zookeeper.ZkDataException;
import dev.meerkat.server.migrate.zookeeper.ZkFiles;
import dev.meerkat.server.migrate.zookeeper.ZkRecovery;
import dev.meerkat.server.migrate.zookeeper.ZkTree;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code meerkat import --zookeeper-data-dir ... --data-dir ...}: a stopped ZooKeeper's data
 * directory becomes a Meerkat data directory holding the same tree. Reads everything, and checks
 * it, before it writes anything; the target is replaced whole or not at all ({@link ImportTarget}).
 */
public final class OfflineImport {

    public record Options(Path zkDataDir, Path zkLogDir, Path dataDir, Path dataLogDir, boolean force,
                          boolean discardDamagedTail, boolean dryRun) {
    }

    /** What the import did, for the summary and for tests. */
    public record Summary(long znodes, long dataBytes, long lastZookeeperZxid, long snapshotIndex, long firstMeerkatZxid,
                          String snapshot, int logFiles, long transactions, long digestsChecked, long digestMismatches,
                          int droppedEphemerals, int droppedSessions, boolean alreadyUpToDate, double seconds,
                          List<String> notes) {
    }

    private final Options options;
    private final ConsoleProgress progress;

    public OfflineImport(Options options, ConsoleProgress progress) {
        this.options = options;
        this.progress = progress;
    }

    public Summary run() throws MigrationException {
        long t0 = System.nanoTime();
        Path snapDir = ZkFiles.versionDir(options.zkDataDir());
        Path logDir = ZkFiles.versionDir(options.zkLogDir() == null ? options.zkDataDir() : options.zkLogDir());
        if (!Files.isDirectory(options.zkDataDir())) {
            throw new MigrationException(MigrationException.BAD_INPUT, "ZooKeeper data directory " + options.zkDataDir() + " does not exist");
        }
        if (ZkFiles.snapshots(snapDir).isEmpty() && ZkFiles.logs(logDir).isEmpty()) {
            throw new MigrationException(MigrationException.BAD_INPUT, "no ZooKeeper snapshot or transaction log in " + snapDir
                    + (logDir.equals(snapDir) ? "" : " or " + logDir) + " (is this ZooKeeper's dataDir? pass --zookeeper-log-dir if dataLogDir is set)");
        }
        ImportTarget target = new ImportTarget(options.dataDir(), options.dataLogDir());
        if (target.overlaps(options.zkDataDir()) || (options.zkLogDir() != null && target.overlaps(options.zkLogDir()))) {
            throw new MigrationException(MigrationException.BAD_INPUT, "the Meerkat data directory " + options.dataDir()
                    + " and the ZooKeeper directories must be apart (one is inside the other)");
        }
        ImportTarget.Kind kind;
        try {
            kind = target.kind();
        } catch (IOException e) {
            throw new MigrationException(MigrationException.BAD_INPUT, "cannot look at " + options.dataDir() + ": " + e.getMessage(), e);
        }
        // Refuse early, before minutes of reading, when the answer cannot change.
        if (kind == ImportTarget.Kind.FOREIGN && !options.force() && !options.dryRun()) {
            throw notEmpty(target, "is not empty and is not a Meerkat data directory");
        }

        ZkRecovery.Result recovered;
        try {
            recovered = new ZkRecovery(snapDir, logDir, new ZkRecovery.Options(options.discardDamagedTail()), progress).recover();
        } catch (ZkDataException e) {
            progress.endLine();
            throw new MigrationException(MigrationException.BAD_INPUT, "cannot import: " + e.getMessage()
                    + (e.getMessage().contains("checksum mismatch") && !options.discardDamagedTail()
                    ? ". If this is the newest log's last entry (a crash while ZooKeeper wrote it), --discard-damaged-tail imports everything before it" : "")
                    + ". Nothing was written.", e);
        } catch (IOException e) {
            progress.endLine();
            throw new MigrationException(MigrationException.BAD_INPUT, "cannot read the ZooKeeper data: " + e + ". Nothing was written.", e);
        }
        progress.endLine();
        // Sessions do not cross: they end as an expiry ends them, all at the zxid after the last one.
        ZkTree tree = recovered.tree();
        long lastZxid = recovered.lastZxid();
        int sessions = tree.knownSessions().size();
        int ephemerals = tree.expireAllSessions(lastZxid + 1);
        tree.recomputeQuotaStats();
        progress.phase("building the Meerkat tree (" + String.format(Locale.ROOT, "%,d", tree.size()) + " znodes)", 0);
        ZkToMeerkat.Converted converted = ZkToMeerkat.convert(tree);
        List<String> notes = new ArrayList<>(recovered.notes());
        notes.addAll(converted.notes());

        boolean upToDate = false;
        if (!options.dryRun()) upToDate = write(target, kind, converted, logClock(converted.latestTime()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Summary(converted.stateMachine().tree().size(), converted.dataBytes(), lastZxid, converted.index(),
                converted.index() + 1, recovered.snapshot() == null ? "none" : recovered.snapshot().path().toString(),
                recovered.logsRead().size(), recovered.txnsApplied(), recovered.digestsChecked(), recovered.digestMismatches(),
                ephemerals, sessions, upToDate, seconds, notes);
    }

    /**
     * The clock the new log is written with: the day before the newest znode time. From the data,
     * so that the same import gives the same bytes anywhere; in the past, so that Meerkat's own
     * appends (at the real time) always land in later log files, even with clocks a little apart.
     * Recent, because the log's file names follow five-minute cycles and a far older first cycle
     * makes every later opening of the log walk the cycles in between.
     */
    static long logClock(long latestTimeMillis) {
        long day = java.util.concurrent.TimeUnit.DAYS.toMillis(1);
        long base = latestTimeMillis > 0 ? Math.min(latestTimeMillis, System.currentTimeMillis()) : System.currentTimeMillis();
        return Math.max(0, (base / day) * day - day);
    }

    private boolean write(ImportTarget target, ImportTarget.Kind kind, ZkToMeerkat.Converted converted, long logClockMillis)
            throws MigrationException {
        try (AutoCloseable lock = target.lock()) {
            progress.phase("writing the Meerkat snapshot at index " + converted.index() + " into " + target.root(), 0);
            Path staged;
            try {
                staged = target.stage(converted.stateMachine(), logClockMillis, n -> progress.count("bytes written", n));
            } catch (IOException | RuntimeException e) {
                target.discardStaging();
                throw new MigrationException(MigrationException.BAD_INPUT, "cannot write the Meerkat data into " + target.root() + ": " + e
                        + ". Nothing was changed there.", e);
            }
            if (kind == ImportTarget.Kind.MEERKAT) {
                if (target.holdsSameAs(staged)) {
                    target.discardStaging();
                    return true;
                }
                if (!options.force()) {
                    target.discardStaging();
                    throw notEmpty(target, "already holds Meerkat data that differs from this import (a server ran on it, or it"
                            + " was imported from other ZooKeeper data)");
                }
            } else if (kind == ImportTarget.Kind.FOREIGN && !options.force()) {
                target.discardStaging();
                throw notEmpty(target, "is not empty and is not a Meerkat data directory");
            }
            target.commit();
            return false;
        } catch (MigrationException e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationException(MigrationException.BAD_INPUT, "writing " + target.root() + " failed: " + e
                    + ". It holds no FORMAT file, so no Meerkat starts on it; run the import again.", e);
        }
    }

    private static MigrationException notEmpty(ImportTarget target, String why) {
        String content;
        try {
            content = target.describeContent();
        } catch (IOException e) {
            content = "?";
        }
        return new MigrationException(MigrationException.TARGET_NOT_EMPTY, target.root() + " " + why + " (" + content
                + "); nothing was changed. Pass --force to replace its content.");
    }

    /** The closing summary, as printed on stdout. */
    public static void print(Summary s, PrintWriter out, boolean dryRun) {
        out.println(dryRun ? "Dry run: nothing was written." : s.alreadyUpToDate()
                ? "Already imported: the target holds exactly this import's result; nothing to do."
                : "Import complete.");
        out.printf(Locale.ROOT, "  znodes:              %,d (%s of data)%n", s.znodes(), ConsoleProgress.bytes(s.dataBytes()));
        out.printf(Locale.ROOT, "  from:                %s + %,d transaction(s) in %d log file(s)%n", s.snapshot(), s.transactions(), s.logFiles());
        out.printf(Locale.ROOT, "  last ZooKeeper zxid: 0x%x (%d)%n", s.lastZookeeperZxid(), s.lastZookeeperZxid());
        out.printf(Locale.ROOT, "  Meerkat snapshot at: %d; Meerkat's zxids continue from %d (0x%x)%n", s.snapshotIndex(), s.firstMeerkatZxid(), s.firstMeerkatZxid());
        out.printf(Locale.ROOT, "  skipped:             %,d ephemeral znode(s) of %d session(s) (sessions are not carried; clients reconnect"
                + " with new sessions)%n", s.droppedEphemerals(), s.droppedSessions());
        if (s.digestsChecked() > 0) {
            out.printf(Locale.ROOT, "  checked:             %,d ZooKeeper digest(s), %d mismatch(es)%n", s.digestsChecked(), s.digestMismatches());
        }
        out.printf(Locale.ROOT, "  time:                %.1f s (%,.0f znodes/s)%n", s.seconds(), s.znodes() / Math.max(1e-3, s.seconds()));
        for (String n : s.notes()) out.println("  note: " + n);
    }
}
