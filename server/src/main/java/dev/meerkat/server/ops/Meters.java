package dev.meerkat.server.ops;

import dev.meerkat.core.util.OwnThread;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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
    /** Guarded by this, as is the publication of {@link #registry}. */
    private final List<Consumer<MeterRegistry>> bindings = new ArrayList<>();
    private volatile PrometheusMeterRegistry registry;
    private final AtomicBoolean making = new AtomicBoolean();
    private final CompletableFuture<PrometheusMeterRegistry> made = new CompletableFuture<>();

    /** Declares meters: run now if the registry exists, else when it is made. */
    public synchronized void bind(Consumer<MeterRegistry> binding) {
        bindings.add(binding);
        if (registry != null) binding.accept(registry);
    }

    /** The registry, made (with every meter declared so far) on the first call. */
    public PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry r = registry;
        if (r != null) return r;
        if (!making.compareAndSet(false, true)) return made.join();
        try {
            // The costly part outside the lock: meters declared meanwhile are not held up.
            PrometheusMeterRegistry fresh = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            synchronized (this) {
                for (Consumer<MeterRegistry> b : bindings) b.accept(fresh);
                registry = fresh;
            }
            made.complete(fresh);
            return fresh;
        } catch (RuntimeException | Error e) {
            made.completeExceptionally(e);
            throw e;
        }
    }

    /** Makes the registry on a thread of its own (a server that serves it, while the rest starts). */
    public void makeInBackground() {
        OwnThread.supply("meerkat-meters", this::registry);
    }

    /** The registry if it has been made, else null: for meters made on the fly (one per opcode). */
    MeterRegistry ifMade() {
        return registry;
    }
}
