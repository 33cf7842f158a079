package dev.meerkat.core.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecentEntriesTest {
    private static LogEntry entry(long index, long term, int bytes) {
        return new LogEntry(index, term, EntryKind.values()[0], new byte[bytes]);
    }

    @Test
    void holdsTheNewestEntriesUpToItsCount() {
        RecentEntries r = new RecentEntries(4, 1 << 20);
        for (long i = 10; i <= 15; i++) r.appended(entry(i, 1, 10));
        assertThat(r.size()).isEqualTo(4);
        assertThat(r.get(11)).isNull();
        for (long i = 12; i <= 15; i++) assertThat(r.get(i).index()).isEqualTo(i);
        assertThat(r.get(16)).isNull();
    }

    @Test
    void holdsNoMoreThanItsBytesButAlwaysTheLastEntry() {
        RecentEntries r = new RecentEntries(16, 100);
        r.appended(entry(1, 1, 40)); // 64 bytes each with the entry's overhead
        r.appended(entry(2, 1, 40));
        assertThat(r.get(1)).isNull();
        assertThat(r.get(2)).isNotNull();
        r.appended(entry(3, 1, 500));
        assertThat(r.size()).isEqualTo(1);
        assertThat(r.get(3)).isNotNull();
    }

    @Test
    void aTruncationDropsTheEntriesFromItsIndexAndAppendsContinueThere() {
        RecentEntries r = new RecentEntries(8, 1 << 20);
        for (long i = 1; i <= 6; i++) r.appended(entry(i, 1, 1));
        r.truncateFrom(4);
        assertThat(r.get(4)).isNull();
        assertThat(r.get(3).term()).isEqualTo(1);
        r.appended(entry(4, 2, 1));
        assertThat(r.get(4).term()).isEqualTo(2);
        r.truncateFrom(1);
        assertThat(r.size()).isZero();
        r.appended(entry(1, 3, 1));
        assertThat(r.get(1).term()).isEqualTo(3);
    }

    @Test
    void aGapIsABugNotAMiss() {
        RecentEntries r = new RecentEntries(8, 1 << 20);
        r.appended(entry(1, 1, 1));
        assertThatThrownBy(() -> r.appended(entry(3, 1, 1))).isInstanceOf(IllegalStateException.class);
        r.clear();
        r.appended(entry(7, 1, 1));
        assertThat(r.get(7)).isNotNull();
    }
}
