package dev.meerkat.it.cluster;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a history of operations on one register (writes of distinct values, reads) for
 * linearizability: whether every operation that completed can be placed at one instant between its
 * invocation and its completion so that each read returns the last value written before it. An
 * operation whose outcome is unknown (the client lost its connection) may take effect at any time
 * after its invocation, or never.
 *
 * <p>The search is Wing and Gong's, with Lowe's memoization (as in Knossos and Porcupine): at each
 * step, try as the next linearized operation each pending one that was invoked before the earliest
 * completion of all remaining completed operations; remember (set of linearized operations,
 * register value) pairs already explored.
 */
final class LinearizabilityChecker {

    /** One operation. {@code completeNanos} is {@link Long#MAX_VALUE} when the outcome is unknown. */
    record Op(int client, boolean write, long value, long invokeNanos, long completeNanos) {
        boolean completed() {
            return completeNanos != Long.MAX_VALUE;
        }

        @Override
        public String toString() {
            return "client " + client + (write ? " write " : " read ") + value + " [" + invokeNanos / 1_000_000 + ", "
                    + (completed() ? completeNanos / 1_000_000 + "" : "?") + "] ms";
        }
    }

    /** The outcome: linearizable, or not with the longest prefix found and the op that could not follow it. */
    record Result(boolean linearizable, int explored, String explanation) {
    }

    private final List<Op> ops;
    private final long initialValue;
    private final Set<Key> seen = new HashSet<>();
    private int explored;
    private int deepest;
    private List<Op> deepestOrder = List.of();

    private record Key(BitSet done, long value) {
        Key {
            done = (BitSet) done.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.value == value && k.done.equals(done);
        }

        @Override
        public int hashCode() {
            return Objects.hash(done, value);
        }
    }

    private LinearizabilityChecker(List<Op> history, long initialValue) {
        // A write whose outcome is unknown and whose value nobody read can always be taken as never
        // having happened: placing it anywhere only adds a value some later read would have to
        // disagree with. Leaving such writes out keeps the search from trying every subset of them.
        Set<Long> readValues = new HashSet<>();
        for (Op op : history) if (!op.write()) readValues.add(op.value());
        List<Op> sorted = new ArrayList<>();
        for (Op op : history) if (op.completed() || !op.write() || readValues.contains(op.value())) sorted.add(op);
        sorted.sort(Comparator.comparingLong(Op::invokeNanos));
        this.ops = sorted;
        this.initialValue = initialValue;
    }

    static Result check(List<Op> history, long initialValue) {
        LinearizabilityChecker c = new LinearizabilityChecker(history, initialValue);
        BitSet done = new BitSet(c.ops.size());
        boolean ok = c.search(done, initialValue, new ArrayList<>());
        String why = ok ? "linearizable" : c.explain();
        return new Result(ok, c.explored, why);
    }

    private boolean search(BitSet done, long value, List<Op> order) {
        explored++;
        if (allCompletedDone(done)) return true;
        if (!seen.add(new Key(done, value))) return false;
        if (order.size() > deepest) {
            deepest = order.size();
            deepestOrder = List.copyOf(order);
        }
        long horizon = earliestCompletion(done);
        for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
            Op op = ops.get(i);
            // Only an operation that completed strictly before this one began must come first.
            if (op.invokeNanos() > horizon) break; // sorted by invocation: nobody later can go first either
            long next;
            if (op.write()) {
                next = op.value();
            } else {
                if (op.value() != value) continue;
                next = value;
            }
            done.set(i);
            order.add(op);
            if (search(done, next, order)) return true;
            order.remove(order.size() - 1);
            done.clear(i);
        }
        return false;
    }

    private boolean allCompletedDone(BitSet done) {
        for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
            if (ops.get(i).completed()) return false;
        }
        return true;
    }

    private long earliestCompletion(BitSet done) {
        long min = Long.MAX_VALUE;
        for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
            min = Math.min(min, ops.get(i).completeNanos());
        }
        return min;
    }

    private String explain() {
        StringBuilder b = new StringBuilder("not linearizable: the longest valid order places " + deepest + " operations");
        List<Op> tail = deepestOrder.subList(Math.max(0, deepestOrder.size() - 5), deepestOrder.size());
        b.append("; it ends ").append(tail);
        long value = deepestOrder.isEmpty() ? initialValue : lastValue(deepestOrder);
        b.append(" leaving the register at ").append(value).append("; none of the operations that could come next fits:");
        BitSet done = new BitSet();
        for (Op o : deepestOrder) done.set(ops.indexOf(o));
        long horizon = earliestCompletion(done);
        for (int i = done.nextClearBit(0); i < ops.size() && ops.get(i).invokeNanos() <= horizon; i = done.nextClearBit(i + 1)) {
            b.append("\n  ").append(ops.get(i));
        }
        return b.toString();
    }

    private long lastValue(List<Op> order) {
        long v = initialValue;
        for (Op o : order) if (o.write()) v = o.value();
        return v;
    }
}
