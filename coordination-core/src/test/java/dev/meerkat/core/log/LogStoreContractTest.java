package dev.meerkat.core.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The behaviour every {@link LogStore} owes the Raft engine, whatever keeps the bytes. */
abstract class LogStoreContractTest {

    @TempDir
    Path dir;
    LogStore log;

    abstract LogStore open(Path dir);

    @BeforeEach
    void openStore() {
        log = open(dir);
    }

    @AfterEach
    void closeStore() {
        log.close();
    }

    static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, EntryKind.COMMAND, ("cmd-" + index + "@" + term).getBytes(StandardCharsets.UTF_8));
    }

    static List<LogEntry> entries(long from, long toInclusive, long term) {
        List<LogEntry> out = new ArrayList<>();
        for (long i = from; i <= toInclusive; i++) out.add(entry(i, term));
        return out;
    }

    @Test
    void emptyLogStartsAtIndexOneWithTermZero() {
        assertThat(log.snapshotIndex()).isZero();
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isZero();
        assertThat(log.term(0)).isZero();
        assertThat(log.entries(1, 1, Long.MAX_VALUE)).isEmpty();
        assertThat(log.hardState()).isEqualTo(HardState.INITIAL);
    }

    @Test
    void appendedEntriesReadBackInOrderWithTheirKindAndData() {
        List<LogEntry> written = new ArrayList<>(entries(1, 3, 1));
        written.add(new LogEntry(4, 2, EntryKind.NOOP, new byte[0]));
        written.add(new LogEntry(5, 2, EntryKind.CONFIG, new byte[] {1, 2, 3}));
        log.append(written);
        log.sync();

        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.entries(1, 6, Long.MAX_VALUE)).containsExactlyElementsOf(written);
        assertThat(log.entries(2, 4, Long.MAX_VALUE)).containsExactlyElementsOf(written.subList(1, 3));
        assertThat(log.term(3)).isEqualTo(1);
        assertThat(log.term(5)).isEqualTo(2);
    }

    @Test
    void maxBytesLimitsTheBatchButAlwaysReturnsOneEntry() {
        log.append(entries(1, 10, 1));
        int size = entry(1, 1).sizeInBytes();

        assertThat(log.entries(1, 11, 0)).containsExactly(entry(1, 1));
        assertThat(log.entries(1, 11, size * 3L)).hasSize(3);
        assertThat(log.entries(1, 11, size * 3L + 1)).hasSize(3);
        assertThat(log.entries(4, 11, Long.MAX_VALUE)).hasSize(7);
    }

    @Test
    void readingOutsideTheLogIsRefused() {
        log.append(entries(1, 3, 1));
        assertThatThrownBy(() -> log.entries(1, 5, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> log.entries(0, 2, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> log.term(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void appendRefusesGapsAndNonContiguousBatches() {
        log.append(entries(1, 3, 1));
        assertThatThrownBy(() -> log.append(List.of(entry(5, 1)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.append(List.of(entry(4, 1), entry(6, 1)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.lastIndex()).isEqualTo(3);
    }

    @Test
    void conflictingSuffixIsDiscardedAndReplaced() {
        log.append(entries(1, 10, 1));
        log.append(entries(6, 7, 2));

        assertThat(log.lastIndex()).isEqualTo(7);
        assertThat(log.term(5)).isEqualTo(1);
        assertThat(log.term(6)).isEqualTo(2);
        assertThat(log.entries(5, 8, Long.MAX_VALUE)).containsExactly(entry(5, 1), entry(6, 2), entry(7, 2));

        log.append(entries(8, 9, 2));
        assertThat(log.entries(1, 10, Long.MAX_VALUE)).extracting(LogEntry::term)
                .containsExactly(1L, 1L, 1L, 1L, 1L, 2L, 2L, 2L, 2L);
    }

    @Test
    void truncatingRightAfterTheSnapshotEmptiesTheLogFirst() {
        log.append(entries(1, 5, 1));
        log.compact(2);
        log.append(entries(3, 4, 3));
        assertThat(log.firstIndex()).isEqualTo(3);
        assertThat(log.entries(3, 5, Long.MAX_VALUE)).containsExactly(entry(3, 3), entry(4, 3));
    }

    @Test
    void compactKeepsTheTermAtTheSnapshotBoundary() {
        log.append(entries(1, 5, 1));
        log.append(entries(6, 10, 2));
        log.compact(6);

        assertThat(log.snapshotIndex()).isEqualTo(6);
        assertThat(log.snapshotTerm()).isEqualTo(2);
        assertThat(log.firstIndex()).isEqualTo(7);
        assertThat(log.term(6)).isEqualTo(2);
        assertThatThrownBy(() -> log.term(5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> log.entries(6, 8, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(log.entries(7, 11, Long.MAX_VALUE)).containsExactlyElementsOf(entries(7, 10, 2));
        assertThatThrownBy(() -> log.append(List.of(entry(6, 3)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compactIsIdempotentAndRefusesThePastEnd() {
        log.append(entries(1, 5, 1));
        log.compact(3);
        log.compact(2);
        assertThat(log.snapshotIndex()).isEqualTo(3);
        assertThatThrownBy(() -> log.compact(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compactingTheWholeLogLeavesItEmptyButAppendable() {
        log.append(entries(1, 5, 1));
        log.compact(5);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.term(5)).isEqualTo(1);
        log.append(entries(6, 6, 2));
        assertThat(log.entries(6, 7, Long.MAX_VALUE)).containsExactly(entry(6, 2));
    }

    @Test
    void resetToSnapshotDiscardsEverythingAndRestartsAfterIt() {
        log.append(entries(1, 5, 1));
        log.resetToSnapshot(100, 7);

        assertThat(log.snapshotIndex()).isEqualTo(100);
        assertThat(log.snapshotTerm()).isEqualTo(7);
        assertThat(log.lastIndex()).isEqualTo(100);
        assertThat(log.term(100)).isEqualTo(7);
        assertThatThrownBy(() -> log.term(3)).isInstanceOf(IndexOutOfBoundsException.class);

        log.append(entries(101, 102, 8));
        assertThat(log.entries(101, 103, Long.MAX_VALUE)).containsExactlyElementsOf(entries(101, 102, 8));
    }

    @Test
    void resetToAnEarlierSnapshotAlsoDiscardsTheLog() {
        log.append(entries(1, 10, 1));
        log.resetToSnapshot(4, 1);
        assertThat(log.lastIndex()).isEqualTo(4);
        log.append(entries(5, 5, 2));
        assertThat(log.entries(5, 6, Long.MAX_VALUE)).containsExactly(entry(5, 2));
    }

    @Test
    void hardStateIsSavedAndReturned() {
        HardState hs = new HardState(5, 2, 17);
        log.saveHardState(hs);
        assertThat(log.hardState()).isEqualTo(hs);
        log.saveHardState(new HardState(6, 0, 17));
        assertThat(log.hardState()).isEqualTo(new HardState(6, 0, 17));
    }
}
