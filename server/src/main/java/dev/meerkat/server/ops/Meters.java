package dev.meerkat.server.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The server's Micrometer registry, made when it is first needed: at start for a server that
 * serves /metrics or the AdminServer, and otherwise (an embedded test server) when somebody first
 * asks ({@code meters()}, mntr, monitor). Making it costs a cold JVM as much as the rest of a start,
 * so a test that never looks never pays. Meters are declared here as bindings, run on the registry
 * once it exists; Meerkat's own counters (mntr's counts, sums, minima and maxima) count from the
 * start either way, the registry's distributions from the moment it is made.
 */
public final class Meters {
    private final List<Consumer<MeterRegistry>> bindings = new ArrayList<>();
    private volatile PrometheusMeterRegistry registry;

    /** Declares meters: run now if the registry exists, else when it is made. */
    public synchronized void bind(Consumer<MeterRegistry> binding) {
        bindings.add(binding);
        if (registry != null) binding.accept(registry);
    }

    /** The registry, made (with every meter declared so far) on the first call. */
    public PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry r = registry;
        if (r != null) return r;
        synchronized (this) {
            if (registry == null) {
                PrometheusMeterRegistry made = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                for (Consumer<MeterRegistry> b : bindings) b.accept(made);
                registry = made;
            }
            return registry;
        }
    }

    /** The registry if it has been made, else null: for meters made on the fly (one per opcode). */
    MeterRegistry ifMade() {
        return registry;
    }
}
