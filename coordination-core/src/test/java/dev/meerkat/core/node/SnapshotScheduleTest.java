package dev.meerkat.core.node;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Snapshots every snapCount entries or every size limit's bytes; one due while another is written is skipped, as in ZooKeeper. */
class SnapshotScheduleTest {

    @Test
    void dueEverySnapCountEntriesCountedFromTheLastSnapshot() {
        SnapshotSchedule s = new SnapshotSchedule(100, 0);
        assertThat(s.due(99)).isFalse();
        assertThat(s.due(100)).isTrue();
        s.begun(100);
        assertThat(s.due(199)).isFalse();
        assertThat(s.due(200)).isTrue();
        assertThat(s.lastSnapshotIndex()).isEqualTo(100);
    }

    @Test
    void dueAfterTheSizeLimitsBytesWhateverTheCount() {
        SnapshotSchedule s = new SnapshotSchedule(1_000_000, 1_000);
        s.applied(999);
        assertThat(s.due(5)).isFalse();
        s.applied(1);
        assertThat(s.due(6)).isTrue();
        s.begun(6);
        assertThat(s.due(7)).as("the byte count starts again with the snapshot").isFalse();
    }

    @Test
    void aSnapshotDueWhileTheOneBeforeIsWrittenIsSkippedAndTheCountStartsAgain() {
        SnapshotSchedule s = new SnapshotSchedule(100, 1_000);
        s.begun(100);
        // Due at 200 while the snapshot at 100 is still being written: skipped.
        assertThat(s.due(200)).isTrue();
        s.skipped(200);
        assertThat(s.due(250)).as("not due again as soon as the writer is free").isFalse();
        assertThat(s.due(300)).isTrue();
        assertThat(s.lastSnapshotIndex()).as("a skip is no snapshot").isEqualTo(100);
        s.applied(1_000);
        assertThat(s.due(201)).isTrue();
        s.skipped(201);
        assertThat(s.due(202)).as("the bytes count again from the skip too").isFalse();
    }

    @Test
    void aLoadedOrInstalledSnapshotRestartsTheCountAndNoSnapshotMayGoBackInTime() {
        SnapshotSchedule s = new SnapshotSchedule(100, 0);
        s.coveredBy(5_000);
        assertThat(s.due(5_099)).isFalse();
        assertThat(s.due(5_100)).isTrue();
        s.coveredBy(10);
        assertThat(s.lastSnapshotIndex()).as("an older state never moves the mark back").isEqualTo(5_000);
        assertThatThrownBy(() -> s.begun(4_000)).isInstanceOf(IllegalStateException.class);
    }
}
