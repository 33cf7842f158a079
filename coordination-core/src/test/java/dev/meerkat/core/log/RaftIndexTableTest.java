package dev.meerkat.core.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftIndexTableTest {

    @Test
    void keepsPositionsAndTermsThroughGrowthAndPrefixDrops() {
        RaftIndexTable t = new RaftIndexTable();
        long next = 1;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 997; i++, next++) t.put(next, next * 10, next / 100);
            t.dropUpTo(next - 300); // like compaction keeping a tail
            for (long i = t.first(); i < t.end(); i++) {
                if (t.queueIndex(i) != i * 10 || t.term(i) != i / 100) throw new AssertionError("wrong slot for " + i);
            }
        }
        assertThat(t.first()).isEqualTo(next - 299);
        assertThat(t.end()).isEqualTo(next);
    }

    @Test
    void writingInsideTheRunDiscardsTheRestLastWriteWins() {
        RaftIndexTable t = new RaftIndexTable();
        for (long i = 1; i <= 10; i++) t.put(i, 100 + i, 1);
        t.put(4, 999, 2);
        assertThat(t.end()).isEqualTo(5);
        assertThat(t.queueIndex(4)).isEqualTo(999);
        assertThat(t.term(3)).isEqualTo(1);
        assertThatThrownBy(() -> t.term(5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void indexPastTheEndStartsANewRunAsAfterDeletedFiles() {
        RaftIndexTable t = new RaftIndexTable();
        t.put(1, 1, 1);
        t.put(50, 2, 1);
        assertThat(t.first()).isEqualTo(50);
        assertThat(t.contains(1)).isFalse();
    }

    @Test
    void truncateAndDropAtTheEdges() {
        RaftIndexTable t = new RaftIndexTable();
        for (long i = 5; i <= 9; i++) t.put(i, i, 1);
        t.truncateFrom(20);
        assertThat(t.end()).isEqualTo(10);
        t.dropUpTo(9);
        assertThat(t.isEmpty()).isTrue();
        assertThat(t.first()).isEqualTo(10);
        t.put(10, 10, 2);
        assertThat(t.term(10)).isEqualTo(2);
    }
}
