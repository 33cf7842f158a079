package dev.meerkat.core.log;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.meerkat.core.log.LogStoreContractTest.entries;
import static dev.meerkat.core.log.LogStoreContractTest.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only a durable log has to get right: reopening, damage on disk, and reclaiming files. */
class ChronicleLogStoreTest {

    @TempDir
    Path dir;
    /** Chronicle rolls by this clock; advancing it by a second starts a new cycle file. */
    final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-01-01T00:00:00Z"));
    ChronicleLogStore log;

    ChronicleLogStore open() {
        log = ChronicleLogStore.open(dir, new ChronicleLogStore.Options(TestRollCycles.TEST_SECONDLY, clock));
        return log;
    }

    void reopen() {
        log.close();
        open();
    }

    @AfterEach
    void close() {
        if (log != null) log.close();
    }

    static LogEntry payload(long index, long term, String text) {
        return new LogEntry(index, term, EntryKind.COMMAND, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reopenKeepsEverySyncedEntryAcrossManyFiles() throws IOException {
        open();
        List<LogEntry> written = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            List<LogEntry> b = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long index = written.size() + 1;
                b.add(new LogEntry(index, 1 + batch / 5, EntryKind.COMMAND, new byte[(int) (index % 300)]));
                written.add(b.get(i));
            }
            log.append(b);
            log.sync();
            if (batch % 4 == 3) clock.advanceMillis(1000);
        }
        reopen();

        assertThat(cycleFiles()).hasSize(5);
        assertThat(log.lastIndex()).isEqualTo(1000);
        assertThat(log.entries(1, 1001, Long.MAX_VALUE)).containsExactlyElementsOf(written);
        assertThat(log.term(1000)).isEqualTo(4);
    }

    @Test
    void lastTruncationWinsOnReopen() {
        open();
        log.append(entries(1, 10, 1));
        log.append(entries(4, 8, 2));
        clock.advanceMillis(1000);
        log.append(entries(6, 12, 3));
        log.append(entries(12, 12, 4));
        log.sync();
        reopen();

        assertThat(log.lastIndex()).isEqualTo(12);
        assertThat(log.entries(1, 13, Long.MAX_VALUE)).extracting(LogEntry::term)
                .containsExactly(1L, 1L, 1L, 2L, 2L, 3L, 3L, 3L, 3L, 3L, 3L, 4L);
    }

    @Test
    void tornLastEntryIsCutOnReopenAndLaterAppendsSurviveTheNextReopen() throws IOException {
        open();
        log.append(entries(1, 4, 1));
        log.append(List.of(payload(5, 1, "the-last-entry-before-the-crash")));
        log.sync();
        log.close();
        flipByteOf("the-last-entry-before-the-crash");

        open();
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.entries(1, 5, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 4, 1));

        log.append(List.of(payload(5, 2, "rewritten"), entry(6, 2)));
        log.sync();
        reopen();
        assertThat(log.lastIndex()).isEqualTo(6);
        assertThat(log.entries(5, 7, Long.MAX_VALUE)).containsExactly(payload(5, 2, "rewritten"), entry(6, 2));
    }

    @Test
    void excerptWithABadChecksumIsNeverReturned() {
        open();
        log.append(entries(1, 3, 1));
        log.sync();
        log.close();
        try (SingleChronicleQueue raw = SingleChronicleQueueBuilder.single(dir.resolve("queue").toFile())
                .rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock).build();
             ExcerptAppender appender = raw.createAppender()) {
            ByteBuffer record = new LogRecordCodec().encode(new LogRecord.Entry(entry(4, 1)));
            record.put(record.limit() - 1, (byte) (record.get(record.limit() - 1) ^ 0x40));
            try (DocumentContext dc = appender.writingDocument()) {
                dc.wire().bytes().write(record.array(), 0, record.limit());
            }
        }

        open();
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThatThrownBy(() -> log.entries(4, 5, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void damagedEntryInTheMiddleEndsTheLogThere() throws IOException {
        open();
        List<LogEntry> written = new ArrayList<>();
        for (long i = 1; i <= 10; i++) written.add(payload(i, 1, "entry-number-" + i + "-of-ten"));
        log.append(written);
        log.sync();
        log.close();
        flipByteOf("entry-number-5-of-ten");

        open();
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.entries(1, 5, Long.MAX_VALUE)).containsExactlyElementsOf(written.subList(0, 4));
        // Entries 6..10 were intact but follow the damage: they must not come back, even after more appends.
        log.append(List.of(payload(5, 2, "after-recovery")));
        log.sync();
        reopen();
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.entries(5, 6, Long.MAX_VALUE)).containsExactly(payload(5, 2, "after-recovery"));
    }

    @Test
    void compactionDeletesOnlyFilesTheSnapshotCovers() throws IOException {
        open();
        log.append(entries(1, 10, 1));
        clock.advanceMillis(1000);
        log.append(entries(11, 20, 1));
        clock.advanceMillis(1000);
        log.append(entries(21, 30, 2));
        log.sync();
        assertThat(cycleFiles()).hasSize(3);
        List<Path> before = cycleFiles();

        log.compact(15);
        assertThat(cycleFiles()).containsExactlyElementsOf(before.subList(1, 3));
        assertThat(log.entries(16, 31, Long.MAX_VALUE)).hasSize(15);

        reopen();
        assertThat(log.snapshotIndex()).isEqualTo(15);
        assertThat(log.snapshotTerm()).isEqualTo(1);
        assertThat(log.entries(16, 31, Long.MAX_VALUE)).containsExactlyElementsOf(
                Stream.concat(entries(16, 20, 1).stream(), entries(21, 30, 2).stream()).toList());

        log.compact(30);
        // The newest file holds the compaction record itself, so it stays.
        assertThat(cycleFiles()).containsExactly(before.get(2));
        reopen();
        assertThat(log.snapshotIndex()).isEqualTo(30);
        assertThat(log.lastIndex()).isEqualTo(30);
        assertThat(log.term(30)).isEqualTo(2);
    }

    @Test
    void resetDeletesEveryEarlierFile() throws IOException {
        open();
        log.append(entries(1, 10, 1));
        clock.advanceMillis(1000);
        log.append(entries(11, 20, 1));
        clock.advanceMillis(1000);
        log.resetToSnapshot(5, 1);
        assertThat(cycleFiles()).hasSize(1);

        log.append(entries(6, 7, 3));
        log.sync();
        reopen();
        assertThat(log.snapshotIndex()).isEqualTo(5);
        assertThat(log.entries(6, 8, Long.MAX_VALUE)).containsExactlyElementsOf(entries(6, 7, 3));
    }

    @Test
    void missingCycleFileIsReportedInsteadOfServingALogWithAHole() throws IOException {
        open();
        log.append(entries(1, 10, 1));
        clock.advanceMillis(1000);
        log.append(entries(11, 20, 1));
        log.close();
        log = null;
        Files.delete(cycleFiles().get(0));

        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing entries 1..10");
        log = null;
    }

    @Test
    void tornHardStateTempFileIsIgnored() throws IOException {
        open();
        log.saveHardState(new HardState(3, 2, 1));
        log.close();
        Files.write(dir.resolve("hardstate.tmp"), new byte[] {1, 2, 3});

        open();
        assertThat(log.hardState()).isEqualTo(new HardState(3, 2, 1));
        assertThat(dir.resolve("hardstate.tmp")).doesNotExist();
    }

    @Test
    void damagedHardStateRefusesToOpenRatherThanForgetAVote() throws IOException {
        open();
        log.saveHardState(new HardState(3, 2, 1));
        log.close();
        log = null;
        byte[] bytes = Files.readAllBytes(dir.resolve("hardstate"));
        bytes[10] ^= 1;
        Files.write(dir.resolve("hardstate"), bytes);

        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("damaged");
        log = null;
    }

    // ---------------------------------------------------------------- helpers

    private List<Path> cycleFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("queue"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /** Flips one byte inside the excerpt holding {@code text}, as a torn page or bit rot would. */
    private void flipByteOf(String text) throws IOException {
        byte[] pattern = text.getBytes(StandardCharsets.UTF_8);
        for (Path file : cycleFiles()) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
                 FileChannel ch = raf.getChannel()) {
                MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
                int at = indexOf(map, pattern);
                if (at >= 0) {
                    map.put(at + pattern.length / 2, (byte) (map.get(at + pattern.length / 2) ^ 0x01));
                    map.force();
                    return;
                }
            }
        }
        throw new AssertionError("pattern not found: " + text);
    }

    private static int indexOf(ByteBuffer buf, byte[] pattern) {
        int limit = buf.limit() - pattern.length;
        outer:
        for (int i = 0; i <= limit; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buf.get(i + j) != pattern[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /**
     * The log's sync is an fdatasync of the cycle files, not Chronicle's msync: what the kernel shows
     * of this process's mappings of them is clean afterwards, in the file being written and after a
     * roll. (Linux's smaps counts a page dirty while its page-table entry or the page is; writeback
     * clears both.)
     */
    @Test
    void syncLeavesNoDirtyPageInTheMappingsOfTheCycleFiles() throws IOException {
        Path smaps = Path.of("/proc/self/smaps");
        Assumptions.assumeTrue(Files.isReadable(smaps), "needs Linux's /proc/self/smaps");
        // Under the build directory: a temporary directory on tmpfs would have nothing to write back.
        Files.createDirectories(Path.of("target"));
        Path disk = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "log-sync-");
        Assumptions.assumeFalse(Files.getFileStore(disk).type().equals("tmpfs"), "needs a disk-backed file system");
        try (ChronicleLogStore store = ChronicleLogStore.open(disk, new ChronicleLogStore.Options(TestRollCycles.TEST_SECONDLY, clock))) {
            long index = 1;
            for (int round = 0; round < 3; round++) {
                List<LogEntry> batch = new ArrayList<>();
                for (int i = 0; i < 200; i++, index++) batch.add(new LogEntry(index, 1, EntryKind.COMMAND, new byte[1_000]));
                store.append(batch);
                assertThat(dirtyKbOfCycleFileMappings(smaps, disk)).as("dirty before the sync of round %d", round).isPositive();
                store.sync();
                assertThat(dirtyKbOfCycleFileMappings(smaps, disk)).as("dirty after the sync of round %d", round).isZero();
                clock.advanceMillis(1000); // the next round writes a new cycle file
            }
        } finally {
            try (Stream<Path> files = Files.walk(disk)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Dirty kB of this process's mappings of the cycle files under {@code dir} (Chronicle's own metadata file is not the log). */
    private static long dirtyKbOfCycleFileMappings(Path smaps, Path dir) throws IOException {
        String prefix = dir.toRealPath().toString();
        long dirtyKb = 0;
        boolean inside = false;
        for (String line : Files.readAllLines(smaps)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].contains("-") && !f[0].endsWith(":")) {
                inside = f.length >= 6 && f[5].startsWith(prefix) && f[5].endsWith(".cq4");
            } else if (inside && (f[0].equals("Shared_Dirty:") || f[0].equals("Private_Dirty:"))) {
                dirtyKb += Long.parseLong(f[1]);
            }
        }
        return dirtyKb;
    }
}
