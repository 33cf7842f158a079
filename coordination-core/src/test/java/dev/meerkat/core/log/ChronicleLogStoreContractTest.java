package dev.meerkat.core.log;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared contract, plus every check repeated after a reopen: what was synced must read back the same. */
class ChronicleLogStoreContractTest extends LogStoreContractTest {

    @Override
    LogStore open(Path dir) {
        return ChronicleLogStore.open(dir);
    }

    private void reopen() {
        log.sync();
        log.close();
        log = open(dir);
    }

    @Test
    void truncatedAndReappendedLogSurvivesReopen() {
        log.append(entries(1, 10, 1));
        log.append(entries(6, 7, 2));
        reopen();
        assertThat(log.lastIndex()).isEqualTo(7);
        assertThat(log.entries(1, 8, Long.MAX_VALUE)).containsExactly(
                entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 1), entry(5, 1), entry(6, 2), entry(7, 2));
    }

    @Test
    void compactionSurvivesReopen() {
        log.append(entries(1, 10, 1));
        log.append(entries(11, 12, 2));
        log.compact(11);
        reopen();
        assertThat(log.snapshotIndex()).isEqualTo(11);
        assertThat(log.snapshotTerm()).isEqualTo(2);
        assertThat(log.lastIndex()).isEqualTo(12);
        assertThat(log.entries(12, 13, Long.MAX_VALUE)).containsExactly(entry(12, 2));
    }

    @Test
    void resetSurvivesReopen() {
        log.append(entries(1, 10, 1));
        log.resetToSnapshot(50, 3);
        log.append(entries(51, 52, 4));
        reopen();
        assertThat(log.snapshotIndex()).isEqualTo(50);
        assertThat(log.snapshotTerm()).isEqualTo(3);
        assertThat(log.entries(51, 53, Long.MAX_VALUE)).containsExactlyElementsOf(entries(51, 52, 4));
    }

    @Test
    void hardStateSurvivesReopen() {
        log.saveHardState(new HardState(9, 3, 41));
        reopen();
        assertThat(log.hardState()).isEqualTo(new HardState(9, 3, 41));
    }
}
