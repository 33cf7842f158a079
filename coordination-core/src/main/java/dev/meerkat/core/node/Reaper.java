package dev.meerkat.core.node;

import dev.meerkat.core.command.Command;
import dev.meerkat.core.state.StateMachine;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * On the leader: finds containers left without children and TTL nodes past their time, and
 * proposes their removal. Apply checks the condition again at the entry's time, so a node that
 * changed meanwhile stays. Tree thread only.
 */
final class Reaper {
    private final Set<String> proposed = new HashSet<>();

    /** Proposes every due node not already proposed; {@code propose} says false when it could not queue it. */
    void reap(StateMachine state, long nowMillis, Predicate<Command> propose) {
        for (String path : state.tree().containers()) reapIfDue(state, path, nowMillis, propose);
        for (String path : state.tree().ttlNodes()) reapIfDue(state, path, nowMillis, propose);
    }

    private void reapIfDue(StateMachine state, String path, long nowMillis, Predicate<Command> propose) {
        if (state.isReapable(path, nowMillis) && proposed.add(path) && !propose.test(new Command.ReapNode(path))) {
            proposed.remove(path); // the log thread is busy: the next round tries again
        }
    }

    /** The removal of {@code path} was applied (or found the node no longer due). */
    void applied(String path) {
        proposed.remove(path);
    }

    void lostLeadership() {
        proposed.clear();
    }
}
