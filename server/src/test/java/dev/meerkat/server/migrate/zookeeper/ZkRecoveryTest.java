package dev.meerkat.server.migrate.zookeeper;

import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The recovery against ZooKeeper 3.9.5's own ({@code FileTxnSnapLog.restore}) on files that a real
 * ZooKeeper wrote under load: every znode, field by field, the sessions, the last zxid and
 * ZooKeeper's tree digest must be identical, and so must the handling of damaged files.
 */
class ZkRecoveryTest {
    private static final ZkRecovery.Progress QUIET = new ZkRecovery.Progress() {
        public void phase(String name, long totalBytes) {
        }

        public void advance(long bytesDone, long txns) {
        }
    };

    @TempDir
    Path dir;

    private Path data() {
        return dir.resolve("data");
    }

    private Path logs() {
        return dir.resolve("logs");
    }

    private void fill(long seed, int ops, int leftOpen) throws Exception {
        try (ZooKeeperFixture zk = new ZooKeeperFixture(data(), logs(), 150)) {
            new ZkWorkload(zk, seed).run(ops, leftOpen);
        }
    }

    private ZkRecovery.Result ours(boolean discardDamagedTail) throws IOException {
        return new ZkRecovery(ZkFiles.versionDir(data()), ZkFiles.versionDir(logs()), new ZkRecovery.Options(discardDamagedTail), QUIET).recover();
    }

    @Test
    void fuzzySnapshotsAndLogsRecoverExactlyAsZooKeeperRecoversThem() throws Exception {
        fill(1, 4000, 2);
        assertThat(ZkFiles.snapshots(ZkFiles.versionDir(data()))).as("several snapshots were taken under load").hasSizeGreaterThan(3);
        ZkRecovery.Result ours = ours(false);
        ZkOracle.Restored theirs = ZkOracle.restore(data(), logs());
        ZkOracle.assertSame(theirs, ours);
        assertThat(ours.tree().ephemeralCount()).as("the open sessions' ephemerals are in the data").isPositive();
        assertThat(ours.txnsApplied()).isPositive();
        assertThat(ours.digestsChecked()).as("ZooKeeper's per-transaction digests were compared").isPositive();
        // A fuzzy snapshot can now and then record a digest out of step with its transactions; then
        // ZooKeeper's own recovery of the same files reports it too. We report nothing it does not.
        assertThat(ours.digestMismatches()).as("mismatches beyond ZooKeeper's own (%d)", theirs.digestMismatches())
                .isLessThanOrEqualTo(theirs.digestMismatches());

        // From the oldest snapshot, through every log file: thousands of transactions replayed, with
        // the fuzzy-snapshot cases (NodeExists, NoNode on replay) at each snapshot boundary.
        List<ZkFiles.ZkFile> snaps = ZkFiles.snapshots(ZkFiles.versionDir(data()));
        for (int i = 0; i < snaps.size() - 2; i++) Files.delete(snaps.get(i).path());
        ZkRecovery.Result long_ = ours(false);
        assertThat(long_.txnsApplied()).isGreaterThan(2000);
        assertThat(long_.logsRead()).hasSizeGreaterThan(3);
        ZkOracle.Restored theirsLong = ZkOracle.restore(data(), logs());
        ZkOracle.assertSame(theirsLong, long_);
        assertThat(long_.digestMismatches()).as("mismatches beyond ZooKeeper's own (%d)", theirsLong.digestMismatches())
                .isLessThanOrEqualTo(theirsLong.digestMismatches());
    }

    @Test
    void filesInTheFormatOfZooKeeper35WithoutDigestsOrCloseSessionRecords() throws Exception {
        ZooKeeperServer.setDigestEnabled(false);
        ZooKeeperServer.setCloseSessionTxnEnabled(false);
        ZooKeeperServer.setSerializeLastProcessedZxidEnabled(false);
        try {
            fill(2, 3000, 1);
        } finally {
            ZooKeeperServer.setDigestEnabled(true);
            ZooKeeperServer.setCloseSessionTxnEnabled(true);
            ZooKeeperServer.setSerializeLastProcessedZxidEnabled(true);
        }
        ZkRecovery.Result ours = ours(false);
        assertThat(ours.digestsChecked()).as("nothing to compare in files without digests").isZero();
        assertThat(dump(ours)).isEqualTo(ZkOracle.dump(ZkOracle.restore(data(), logs()).tree()));
    }

    @Test
    void aTornLastEntryIsDiscardedAsZooKeeperDiscardsIt() throws Exception {
        fill(3, 2000, 0);
        ZkFiles.ZkFile last = lastLog();
        long entry = lastEntryOffset(last);
        try (RandomAccessFile f = new RandomAccessFile(last.path().toFile(), "rw")) {
            f.setLength(entry + 17); // inside the entry: the crc and part of its length and body
        }
        ZkRecovery.Result ours = ours(false);
        ZkOracle.assertSame(ZkOracle.restore(data(), logs()), ours);
        assertThat(ours.notes()).anySatisfy(n -> assertThat(n).contains(last.path().toString())
                .contains("offset " + entry).contains("cut short"));
    }

    @Test
    void aCorruptNewestSnapshotFallsBackToTheOlderOneAsZooKeeperDoes() throws Exception {
        fill(4, 3000, 0);
        ZkFiles.ZkFile newest = ZkFiles.snapshots(ZkFiles.versionDir(data())).get(0);
        long size = Files.size(newest.path());
        flipByte(newest.path(), size / 2);
        ZkRecovery.Result ours = ours(false);
        assertThat(ours.snapshot()).isNotEqualTo(newest);
        ZkOracle.assertSame(ZkOracle.restore(data(), logs()), ours);
        assertThat(ours.notes()).anySatisfy(n -> assertThat(n).contains(newest.path().toString()).contains("falling back"));
    }

    @Test
    void aCorruptTransactionStopsRecoveryWithTheFileAndOffsetAsItStopsZooKeeper() throws Exception {
        fill(5, 2000, 0);
        ZkFiles.ZkFile last = lastLog();
        long entry = lastEntryOffset(last);
        flipByte(last.path(), entry + 40);
        assertThatThrownBy(() -> ZkOracle.restore(data(), logs())).as("ZooKeeper refuses the same files").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ours(false)).isInstanceOf(ZkDataException.class)
                .hasMessageContaining(last.path().toString()).hasMessageContaining("offset " + entry).hasMessageContaining("checksum");

        // Allowed to, the import drops the damaged entry: the same as ZooKeeper with the file cut there.
        ZkRecovery.Result ours = ours(true);
        try (RandomAccessFile f = new RandomAccessFile(last.path().toFile(), "rw")) {
            f.setLength(entry);
        }
        ZkOracle.assertSame(ZkOracle.restore(data(), logs()), ours);
    }

    @Test
    void transactionsMissingBetweenLogFilesAreReportedWhereZooKeeperWouldLoadSilently() throws Exception {
        fill(6, 3000, 0);
        // Keep only the oldest snapshot, and lose a log file after it.
        List<ZkFiles.ZkFile> snaps = ZkFiles.snapshots(ZkFiles.versionDir(data()));
        for (int i = 0; i < snaps.size() - 1; i++) Files.delete(snaps.get(i).path());
        List<ZkFiles.ZkFile> logFiles = ZkFiles.logs(ZkFiles.versionDir(logs()));
        assertThat(logFiles).hasSizeGreaterThan(2);
        ZkFiles.ZkFile lost = logFiles.get(logFiles.size() - 2);
        Files.delete(lost.path());
        assertThatThrownBy(() -> ours(false)).isInstanceOf(ZkDataException.class).hasMessageContaining("missing")
                .hasMessageContaining(Long.toHexString(lost.zxid()));
    }

    private static java.util.Map<String, String> dump(ZkRecovery.Result r) {
        return ZkOracle.dump(r.tree());
    }

    private ZkFiles.ZkFile lastLog() {
        List<ZkFiles.ZkFile> all = ZkFiles.logs(ZkFiles.versionDir(logs()));
        return all.get(all.size() - 1);
    }

    private static long lastEntryOffset(ZkFiles.ZkFile log) throws IOException {
        List<Long> offsets = new ArrayList<>();
        ZkTxnLogReader.read(log, new ZkTxnCodec(new AclInterner()), (f, at, e) -> offsets.add(at), n -> { }, false);
        assertThat(offsets).isNotEmpty();
        return offsets.get(offsets.size() - 1);
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
    }
}
