package dev.meerkat.server.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DistributionDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * mntr as ZooKeeper prints it when its Prometheus provider is on: one line per sample of the
 * registry, {@code name{label="v",...}} and a double; summaries as their quantiles, count and sum.
 * Histograms (Meerkat's own) give their count and sum only. ZooKeeper's names come first, Meerkat's
 * ({@code meerkat_*}) after.
 */
final class PrometheusMonitor {
    private PrometheusMonitor() {
    }

    static void dump(PrometheusMeterRegistry registry, BiConsumer<String, Object> out) {
        List<MetricSnapshot> all = new ArrayList<>();
        registry.getPrometheusRegistry().scrape().forEach(all::add);
        all.sort(Comparator.comparing((MetricSnapshot m) -> m.getMetadata().getPrometheusName().startsWith("meerkat_")));
        for (MetricSnapshot m : all) {
            String name = m.getMetadata().getPrometheusName();
            if (m instanceof GaugeSnapshot g) {
                for (GaugeSnapshot.GaugeDataPointSnapshot p : g.getDataPoints()) out.accept(name + labels(p.getLabels(), null), p.getValue());
            } else if (m instanceof CounterSnapshot c) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) out.accept(name + "_total" + labels(p.getLabels(), null), p.getValue());
            } else if (m instanceof SummarySnapshot s) {
                for (SummarySnapshot.SummaryDataPointSnapshot p : s.getDataPoints()) {
                    for (Quantile q : p.getQuantiles()) out.accept(name + labels(p.getLabels(), Double.toString(q.getQuantile())), q.getValue());
                    distribution(name, p, out);
                }
            } else {
                for (var p : m.getDataPoints()) {
                    if (p instanceof DistributionDataPointSnapshot d) distribution(name, d, out);
                }
            }
        }
    }

    private static void distribution(String name, DistributionDataPointSnapshot p, BiConsumer<String, Object> out) {
        out.accept(name + "_count" + labels(p.getLabels(), null), (double) p.getCount());
        out.accept(name + "_sum" + labels(p.getLabels(), null), p.getSum());
    }

    /** ZooKeeper's PrometheusMetricsProvider.dump label format: {a="x",quantile="0.5"}. */
    private static String labels(Labels labels, String quantile) {
        if (labels.isEmpty() && quantile == null) return "";
        StringBuilder sb = new StringBuilder("{");
        for (Label l : labels) {
            if (sb.length() > 1) sb.append(',');
            sb.append(l.getName()).append("=\"").append(l.getValue()).append('"');
        }
        if (quantile != null) {
            if (sb.length() > 1) sb.append(',');
            sb.append("quantile=\"").append(quantile).append('"');
        }
        return sb.append('}').toString();
    }
}
