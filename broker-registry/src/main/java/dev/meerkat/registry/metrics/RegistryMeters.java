package dev.meerkat.registry.metrics;

import dev.meerkat.registry.model.ClusterView;
import dev.meerkat.registry.model.KafkaEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Per-cluster meters, tagged {@code chroot}: what an alert on a Kafka cluster needs without JMX.
 * Gauges read the published view when scraped; counters count timeline events. Meters of a cluster
 * that disappears are removed. Touched by the registry thread only (scrapes read the gauges).
 */
public final class RegistryMeters {
    private final MeterRegistry registry;
    private final Function<String, ClusterView> current;
    private final Map<String, List<Meter>> byCluster = new HashMap<>();
    private final Map<String, Counter> controllerChanges = new HashMap<>();
    private final Map<String, Counter> departures = new HashMap<>();

    /** @param current the published view of a chroot, or null once it is gone */
    public RegistryMeters(MeterRegistry registry, Function<String, ClusterView> current) {
        this.registry = registry;
        this.current = current;
    }

    public void sync(Set<String> chroots) {
        for (String c : chroots) if (!byCluster.containsKey(c)) register(c);
        for (Iterator<Map.Entry<String, List<Meter>>> it = byCluster.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<Meter>> e = it.next();
            if (chroots.contains(e.getKey())) continue;
            e.getValue().forEach(registry::remove);
            controllerChanges.remove(e.getKey());
            departures.remove(e.getKey());
            it.remove();
        }
    }

    public void count(List<KafkaEvent> events) {
        for (KafkaEvent e : events) {
            if (e.type() == KafkaEvent.Type.CONTROLLER_CHANGED) {
                Counter c = controllerChanges.get(e.chroot());
                if (c != null) c.increment();
            } else if (e.type() == KafkaEvent.Type.BROKER_GONE) {
                Counter c = departures.get(e.chroot());
                if (c != null) c.increment();
            }
        }
    }

    private void register(String chroot) {
        Tags tags = Tags.of("chroot", chroot);
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge("kafka_brokers_registered", "brokers registered in ZooKeeper (live ephemerals)", tags, chroot, v -> v.counts().brokers()));
        meters.add(gauge("kafka_brokers_unreachable", "registered brokers whose endpoint the probe could not reach", tags, chroot, v -> v.counts().unreachableBrokers()));
        meters.add(gauge("kafka_controller_id", "broker id of the active controller, -1 without one", tags, chroot,
                v -> v.controller().brokerId() == null ? -1 : v.controller().brokerId()));
        meters.add(gauge("kafka_controller_epoch", "controller epoch, -1 before the first election", tags, chroot,
                v -> v.controller().epoch() == null ? -1 : v.controller().epoch()));
        meters.add(gauge("kafka_topics", "topics", tags, chroot, v -> v.counts().topics()));
        meters.add(gauge("kafka_partitions", "partitions", tags, chroot, v -> v.counts().partitions()));
        meters.add(gauge("kafka_partitions_under_replicated", "partitions whose ISR is smaller than their replica set", tags, chroot, v -> v.counts().underReplicated()));
        meters.add(gauge("kafka_partitions_under_min_isr", "partitions whose ISR is below min.insync.replicas", tags, chroot, v -> v.counts().underMinIsr()));
        meters.add(gauge("kafka_partitions_offline", "partitions without a live leader", tags, chroot, v -> v.counts().offline()));
        Counter changes = Counter.builder("kafka_controller_changes").description("controller moves seen").tags(tags).register(registry);
        Counter gone = Counter.builder("kafka_broker_departures").description("broker registrations that went away").tags(tags).register(registry);
        meters.add(changes);
        meters.add(gone);
        controllerChanges.put(chroot, changes);
        departures.put(chroot, gone);
        byCluster.put(chroot, meters);
    }

    private Gauge gauge(String name, String help, Tags tags, String chroot, ToDoubleFunction<ClusterView> f) {
        return Gauge.builder(name, () -> {
            ClusterView v = current.apply(chroot);
            return v == null ? Double.NaN : f.applyAsDouble(v);
        }).description(help).tags(tags).register(registry);
    }
}
