package dev.meerkat.server.ops;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * One of ZooKeeper's summaries (avg/min/max/cnt/sum in mntr, plus p50/p95/p99/p999 for its
 * "advanced" ones), recorded from any thread without locks. The values also go to a Micrometer
 * summary of the same name, which Prometheus scrapes as ZooKeeper's provider exposes it
 * ({@code name{quantile="0.5"}}, {@code name_count}, {@code name_sum}), once the registry is made.
 */
final class ZkSummary {
    private final String name;
    private final boolean advanced;
    private volatile DistributionSummary micrometer;
    private final LongAdder count = new LongAdder();
    private final LongAdder sum = new LongAdder();
    private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong max = new AtomicLong(Long.MIN_VALUE);

    ZkSummary(String name, boolean advanced, Meters meters) {
        this.name = name;
        this.advanced = advanced;
        meters.bind(r -> micrometer = DistributionSummary.builder(name).description(name)
                .publishPercentiles(0.5, 0.9, 0.95, 0.99, 0.999)
                .register(r));
    }

    String name() {
        return name;
    }

    void record(long value) {
        count.increment();
        sum.add(value);
        if (value < min.get()) min.accumulateAndGet(value, Math::min);
        if (value > max.get()) max.accumulateAndGet(value, Math::max);
        DistributionSummary m = micrometer;
        if (m != null) m.record(value);
    }

    /** srst: mntr's numbers start over (Prometheus keeps its own, as ZooKeeper's provider does). */
    void reset() {
        count.reset();
        sum.reset();
        min.set(Long.MAX_VALUE);
        max.set(Long.MIN_VALUE);
    }

    /** ZooKeeper's AvgMinMaxCounter / AvgMinMaxPercentileCounter values, in its order. */
    void dump(BiConsumer<String, Object> out) {
        long n = count.sum();
        long s = sum.sum();
        out.accept("avg_" + name, n == 0 ? 0.0 : s / (double) n);
        out.accept("min_" + name, n == 0 ? 0L : min.get());
        out.accept("max_" + name, n == 0 ? 0L : max.get());
        out.accept("cnt_" + name, n);
        out.accept("sum_" + name, s);
        if (advanced) {
            double p50 = 0, p95 = 0, p99 = 0, p999 = 0;
            DistributionSummary m = micrometer;
            if (n > 0 && m != null) {
                for (ValueAtPercentile v : m.takeSnapshot().percentileValues()) {
                    if (v.percentile() == 0.5) p50 = v.value();
                    else if (v.percentile() == 0.95) p95 = v.value();
                    else if (v.percentile() == 0.99) p99 = v.value();
                    else if (v.percentile() == 0.999) p999 = v.value();
                }
            }
            out.accept("p50_" + name, (long) p50);
            out.accept("p95_" + name, (long) p95);
            out.accept("p99_" + name, (long) p99);
            out.accept("p999_" + name, (long) p999);
        }
    }
}
