package dev.meerkat.server.migrate.zookeeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recovers a ZooKeeper database from its files exactly as a restarting ZooKeeper 3.4–3.9 does
 * ({@code FileTxnSnapLog.restore}): the newest snapshot that loads (a damaged one is skipped for the
 * next older, up to 100), then every transaction logged after it, with ZooKeeper's replay rules
 * ({@link ZkTree}). Read-only: unlike ZooKeeper it never deletes or truncates a file.
 *
 * <p>Two checks ZooKeeper does not make, because a silent gap is data loss: transactions missing
 * between the snapshot and the logs, or between log files, within one leader epoch, stop recovery.
 * ZooKeeper's own digests (3.6+) are compared as ZooKeeper compares them; a mismatch means this
 * replay and ZooKeeper's would differ, and is reported.
 */
public final class ZkRecovery {

    /** How much of the work is done, for progress output. */
    public interface Progress {
        void phase(String name, long totalBytes);

        void advance(long bytesDone, long txns);
    }

    public record Options(boolean discardDamagedTail) {
    }

    /** The recovered tree and what it took. */
    public record Result(ZkTree tree, ZkFiles.ZkFile snapshot, List<ZkFiles.ZkFile> logsRead, long txnsApplied,
                         long txnsFailed, long digestsChecked, long digestMismatches, List<String> notes) {
        public long lastZxid() {
            return tree.lastProcessedZxid();
        }
    }

    private final Path snapDir;
    private final Path logDir;
    private final Options options;
    private final Progress progress;
    private final List<String> notes = new ArrayList<>();

    public ZkRecovery(Path snapDir, Path logDir, Options options, Progress progress) {
        this.snapDir = snapDir;
        this.logDir = logDir;
        this.options = options;
        this.progress = progress;
    }

    public Result recover() throws IOException {
        AclInterner acls = new AclInterner();
        List<ZkFiles.ZkFile> candidates = new ArrayList<>();
        for (ZkFiles.ZkFile f : ZkFiles.snapshots(snapDir)) {
            String problem = ZkFiles.quickCheck(f);
            if (problem.isEmpty()) {
                candidates.add(f);
                if (candidates.size() == ZkFiles.SNAPSHOTS_TRIED) break;
            } else {
                notes.add("skipped " + f.path() + ": " + problem + " (ZooKeeper skips it too)");
            }
        }
        ZkSnapshotReader.Loaded loaded = null;
        ZkFiles.ZkFile used = null;
        List<ZkDataException> damage = new ArrayList<>();
        for (ZkFiles.ZkFile f : candidates) {
            try {
                long size = Files.size(f.path());
                progress.phase("reading " + f, size);
                loaded = ZkSnapshotReader.read(f, acls, done -> progress.advance(done, 0));
                used = f;
                break;
            } catch (ZkDataException e) {
                damage.add(e);
                notes.add("snapshot damaged: " + e.getMessage() + "; falling back to the next older snapshot, as ZooKeeper does");
            }
        }
        List<ZkFiles.ZkFile> logs = ZkFiles.logs(logDir);
        ZkTree tree;
        if (loaded == null) {
            if (!damage.isEmpty()) {
                ZkDataException first = damage.get(0);
                throw new ZkDataException(first.file(), first.offset(), "no snapshot in " + snapDir + " can be loaded (ZooKeeper: \"Not able to find"
                        + " valid snapshots\"); the newest one failed with: " + first.getMessage(), first);
            }
            if (!logs.isEmpty()) {
                throw new ZkDataException(logDir, -1, "transaction logs but no snapshot (ZooKeeper refuses to start: \"No snapshot found,"
                        + " but there are log entries. Something is broken!\")");
            }
            notes.add("no ZooKeeper data in " + snapDir + ": an empty tree");
            tree = ZkTree.fresh(acls);
            return new Result(tree, null, List.of(), 0, 0, 0, 0, List.copyOf(notes));
        }
        tree = loaded.tree();
        long snapZxid = used.zxid();
        tree.lastProcessedZxid(snapZxid);
        return replay(tree, used, loaded, snapZxid);
    }

    private Result replay(ZkTree tree, ZkFiles.ZkFile snapshot, ZkSnapshotReader.Loaded loaded, long snapZxid) throws IOException {
        Replay r = new Replay(tree, snapZxid);
        // The digest a snapshot carries was taken after it was written: until replay reaches that
        // zxid the tree is "fuzzy" and ZooKeeper compares nothing.
        if (loaded.digest() != null && loaded.digestZxid() >= snapZxid) {
            r.fuzzyDigest = loaded.digest();
            r.fuzzyDigestZxid = loaded.digestZxid();
            if (r.fuzzyDigestZxid == snapZxid) r.checkSnapshotDigest();
        }
        List<ZkFiles.ZkFile> files = ZkFiles.logsAfter(logDir, snapZxid);
        long total = 0;
        for (ZkFiles.ZkFile f : files) total += Files.size(f.path());
        progress.phase("replaying " + files.size() + " transaction log(s)", total);
        long[] before = {0};
        for (int i = 0; i < files.size(); i++) {
            ZkFiles.ZkFile f = files.get(i);
            boolean newest = i == files.size() - 1;
            long base = before[0];
            ZkTxnLogReader.End end = ZkTxnLogReader.read(f, tree.codec(), r, done -> progress.advance(base + done, r.applied),
                    options.discardDamagedTail() && newest);
            before[0] += Files.size(f.path());
            switch (end.kind()) {
                case CLEAN -> { }
                case TORN -> notes.add(f.path() + " at offset " + end.offset() + ": " + end.detail() + "; ZooKeeper discards it"
                        + (newest ? " (a crash while it was being written)" : " and the rest of the file") + ", and so does this import");
                case DAMAGED -> notes.add(f.path() + " at offset " + end.offset() + ": " + end.detail() + "; this entry and everything"
                        + " after it in the file were discarded (--discard-damaged-tail)");
            }
        }
        if (r.fuzzyDigest != null && r.fuzzyDigestZxid > tree.lastProcessedZxid()) {
            notes.add(String.format("the snapshot's digest is for zxid 0x%x, which the logs do not reach; the recovered state is"
                    + " as ZooKeeper would recover it, but may be inconsistent (ZooKeeper warns the same)", r.fuzzyDigestZxid));
        }
        if (r.mismatches > 0) {
            notes.add(r.mismatches + " of " + r.checked + " ZooKeeper digests did not match the replayed tree (first at zxid 0x"
                    + Long.toHexString(r.firstMismatchZxid) + ")");
        }
        tree.recomputeQuotaStats();
        return new Result(tree, snapshot, files, r.applied, r.failed, r.checked, r.mismatches, List.copyOf(notes));
    }

    /** Applies entries as they are read, with ZooKeeper's fast-forward past the snapshot's zxid. */
    private final class Replay implements ZkTxnLogReader.Sink {
        final ZkTree tree;
        final long snapZxid;
        boolean fastForwarding = true;
        long previous;
        long applied;
        long failed;
        long checked;
        long mismatches;
        long firstMismatchZxid;
        ZkTxn.Digest fuzzyDigest;
        long fuzzyDigestZxid;

        Replay(ZkTree tree, long snapZxid) {
            this.tree = tree;
            this.snapZxid = snapZxid;
            this.previous = snapZxid;
        }

        @Override
        public void accept(ZkFiles.ZkFile file, long offset, ZkTxn.Entry e) throws IOException {
            long zxid = e.header().zxid();
            if (fastForwarding) {
                if (zxid <= snapZxid) return;
                fastForwarding = false;
            }
            if (zxid <= previous) {
                notes.add(String.format("%s at offset %d: zxid 0x%x comes after 0x%x (ZooKeeper logs an error and applies it)",
                        file.path(), offset, zxid, previous));
            } else if (epoch(zxid) == epoch(previous) && zxid != previous + 1) {
                throw new ZkDataException(file.path(), offset, String.format("transactions 0x%x to 0x%x are missing (the log jumps from"
                        + " 0x%x to 0x%x within epoch %d): were log files deleted or damaged? ZooKeeper would load this silently"
                        + " without them", previous + 1, zxid - 1, previous, zxid, epoch(zxid)));
            }
            int err = tree.apply(e.header(), e.txn());
            if (err != ZkOpCodes.OK && e.header().type() != ZkOpCodes.ERROR) failed++;
            applied++;
            previous = Math.max(previous, zxid);
            if (fuzzyDigest != null) {
                if (zxid == fuzzyDigestZxid) checkSnapshotDigest();
            } else if (e.digest() != null && e.digest().version() == ZkDigest.VERSION) {
                compare(e.digest().treeDigest(), zxid);
            }
        }

        void checkSnapshotDigest() {
            if (fuzzyDigest.version() == ZkDigest.VERSION) compare(fuzzyDigest.treeDigest(), fuzzyDigestZxid);
            fuzzyDigest = null;
        }

        private void compare(long expected, long zxid) {
            checked++;
            if (tree.digest() != expected) {
                if (mismatches++ == 0) firstMismatchZxid = zxid;
            }
        }
    }

    static long epoch(long zxid) {
        return zxid >>> 32;
    }
}
