package dev.meerkat.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A request mix: operations with weights, e.g. {@code getData:90,setData:10} or {@code create}.
 * Operations: create (a new node per request under the session's own parent), delete (the nodes
 * the session's earlier creates made, oldest first), setData, getData, exists (random existing
 * keys), multi (check+setData on a random key).
 */
public record Mix(String name, List<Op> ops, int[] cumulative) {
    public enum Op { CREATE, DELETE, SET_DATA, GET_DATA, EXISTS, MULTI }

    public static Mix parse(String spec) {
        List<Op> ops = new ArrayList<>();
        List<Integer> cum = new ArrayList<>();
        int total = 0;
        for (String part : spec.split(",")) {
            String[] kv = part.split(":");
            Op op = switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                case "create" -> Op.CREATE;
                case "delete" -> Op.DELETE;
                case "setdata" -> Op.SET_DATA;
                case "getdata" -> Op.GET_DATA;
                case "exists" -> Op.EXISTS;
                case "multi" -> Op.MULTI;
                default -> throw new IllegalArgumentException("unknown operation '" + kv[0] + "' in mix " + spec);
            };
            int weight = kv.length > 1 ? Integer.parseInt(kv[1].trim()) : 1;
            if (weight <= 0) throw new IllegalArgumentException("weight must be positive in mix " + spec);
            total += weight;
            ops.add(op);
            cum.add(total);
        }
        return new Mix(spec, List.copyOf(ops), cum.stream().mapToInt(Integer::intValue).toArray());
    }

    Op next(ThreadLocalRandom rnd) {
        if (ops.size() == 1) return ops.get(0);
        int r = rnd.nextInt(cumulative[cumulative.length - 1]);
        for (int i = 0; i < cumulative.length; i++) {
            if (r < cumulative[i]) return ops.get(i);
        }
        throw new AssertionError();
    }

    boolean writes() {
        return ops.stream().anyMatch(o -> o != Op.GET_DATA && o != Op.EXISTS);
    }
}
