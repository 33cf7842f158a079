package dev.meerkat.core.raft;

import java.util.ArrayList;

/**
 * Memberships found in the log. A node uses the newest CONFIG entry in its log, committed or not
 * (Raft dissertation §4.1), so an entry removed by a conflicting append must take its
 * membership with it. Entries at or below the commit index can never be removed, so only the newest
 * of those is kept, as the base.
 */
final class ConfigHistory {

    private record At(long index, Membership membership) {
    }

    private At base;
    private final ArrayList<At> uncommitted = new ArrayList<>();

    ConfigHistory(long index, Membership membership) {
        base = new At(index, membership);
    }

    Membership current() {
        return uncommitted.isEmpty() ? base.membership() : uncommitted.get(uncommitted.size() - 1).membership();
    }

    /** Index of the newest CONFIG entry (or of the base). */
    long currentIndex() {
        return uncommitted.isEmpty() ? base.index() : uncommitted.get(uncommitted.size() - 1).index();
    }

    void append(long index, Membership membership) {
        uncommitted.add(new At(index, membership));
    }

    /** The log lost everything from {@code index} on. */
    void truncateFrom(long index) {
        while (!uncommitted.isEmpty() && uncommitted.get(uncommitted.size() - 1).index() >= index) {
            uncommitted.remove(uncommitted.size() - 1);
        }
    }

    void committedTo(long commit) {
        while (!uncommitted.isEmpty() && uncommitted.get(0).index() <= commit) {
            base = uncommitted.remove(0);
        }
    }

    void reset(long index, Membership membership) {
        uncommitted.clear();
        base = new At(index, membership);
    }
}
