package dev.meerkat.core.node;

import dev.meerkat.core.command.Command;
import dev.meerkat.core.state.StateMachine;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * On the leader: finds containers left without children and TTL nodes past their time, and
 * proposes their removal. Apply checks the condition again at the entry's time, so a node that
 * changed meanwhile stays. Tree thread only.
 */
final class Reaper {
    /** A removal proposed but not applied within this long is proposed again (it may have been lost). */
    static final long RETRY_MILLIS = 3000;
    /** Paths proposed for removal, with when (the leader's wall clock, as {@link #reap} gets it). */
    private final Map<String, Long> proposed = new HashMap<>();

    /** Proposes every due node not already proposed; {@code propose} says false when it could not queue it. */
    void reap(StateMachine state, long nowMillis, Predicate<Command> propose) {
        for (String path : state.tree().containers()) reapIfDue(state, path, nowMillis, propose);
        for (String path : state.tree().ttlNodes()) reapIfDue(state, path, nowMillis, propose);
    }

    private void reapIfDue(StateMachine state, String path, long nowMillis, Predicate<Command> propose) {
        if (!state.isReapable(path, nowMillis)) return;
        Long at = proposed.get(path);
        if (at != null && nowMillis - at < RETRY_MILLIS) return;
        if (propose.test(new Command.ReapNode(path))) proposed.put(path, nowMillis);
        else proposed.remove(path); // the log thread is busy: the next round tries again
    }

    /** The removal of {@code path} was applied (or found the node no longer due). */
    void applied(String path) {
        proposed.remove(path);
    }

    void lostLeadership() {
        proposed.clear();
    }
}
