package dev.meerkat.registry;

import dev.meerkat.core.node.Node;
import dev.meerkat.registry.feed.Cause;
import dev.meerkat.registry.feed.TreeChange;
import dev.meerkat.registry.feed.TreeFeed;
import dev.meerkat.registry.feed.ZnodeSnap;
import dev.meerkat.registry.http.RegistryRoutes;
import dev.meerkat.registry.kafka.KafkaPath;
import dev.meerkat.registry.kafka.KafkaPaths;
import dev.meerkat.registry.kafka.KafkaZnodeDecoder;
import dev.meerkat.registry.metrics.RegistryMeters;
import dev.meerkat.registry.model.ClusterModel;
import dev.meerkat.registry.model.ClusterState;
import dev.meerkat.registry.model.ClusterView;
import dev.meerkat.registry.model.EventSink;
import dev.meerkat.registry.model.KafkaEvent;
import dev.meerkat.registry.model.ProbeLookup;
import dev.meerkat.registry.model.Timeline;
import dev.meerkat.registry.model.TimelineStore;
import dev.meerkat.registry.model.ViewBuilder;
import dev.meerkat.registry.probe.ReachabilityProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The live Kafka view of a node's tree: every cluster (any chroot with Kafka's layout), its brokers,
 * controller, topics and partitions, and a timeline of what changed.
 *
 * <p>Threads: the tree thread only records touched Kafka znodes ({@link TreeFeed}); this registry's
 * own thread decodes them, keeps the {@link ClusterState}s, derives events and publishes an
 * immutable {@link RegistryView}; the probe's threads check brokers' endpoints; HTTP handlers and
 * meter scrapes read the published view from wherever they run.
 */
public final class BrokerRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistry.class);
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Node node;
    private final RegistryOptions options;
    private final TreeFeed feed;
    private final Thread thread;
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private volatile boolean running = true;
    private final Timeline timeline;
    private final TimelineStore store;
    private final ReachabilityProbe probe;
    private final RegistryMeters meters;
    private final List<Runnable> publishListeners = new CopyOnWriteArrayList<>();
    private final Set<String> probeChanged = ConcurrentHashMap.newKeySet();
    private volatile RegistryView view = new RegistryView(0, 0, false, Collections.emptySortedMap());

    // Registry thread only.
    private KafkaZnodeDecoder decoder;
    private final EventSink sink = new EventSink();
    private final Map<String, ClusterState> clusters = new HashMap<>();
    private final Map<String, Indexed> index = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, ClusterModel> models = new TreeMap<>();
    private boolean initialized;
    private boolean resyncPending;
    private boolean publishNeeded;
    private long lastZxid;
    private long nextProbeRoundNanos;

    /** Where a held znode belongs, and which version of it is held. */
    private record Indexed(KafkaPath where, long czxid, long mzxid) {
    }

    private BrokerRegistry(Node node, MeterRegistry meterRegistry, RegistryOptions options) {
        this.node = node;
        this.options = options;
        this.feed = new TreeFeed(node, options.feedCapacity(), this::wake);
        this.timeline = new Timeline(options.timelineCapacity());
        this.store = options.timelineFile() == null ? null : new TimelineStore(options.timelineFile(), options.timelineCapacity());
        this.probe = options.probeEnabled() && probeAvailable()
                ? new ReachabilityProbe(options.probeConcurrency(), options.probeTimeoutMs(), chroot -> {
                    probeChanged.add(chroot);
                    wake();
                })
                : null;
        this.meters = meterRegistry == null ? null : new RegistryMeters(meterRegistry, this::summary);
        this.thread = new Thread(this::run, "meerkat-kafka-registry");
        this.thread.setDaemon(true);
    }

    /**
     * Whether this class path can run the registry (it needs Jackson). An embedding that leaves the
     * registry's dependencies out checks this and runs without it.
     */
    public static boolean available() {
        return present("com.fasterxml.jackson.databind.ObjectMapper");
    }

    /** The probe needs kafka-clients; without it the registry runs with the probe off. */
    private static boolean probeAvailable() {
        if (present("org.apache.kafka.common.requests.ApiVersionsRequest")) return true;
        LOG.warn("kafka-clients is not on the class path: the Kafka reachability probe is off");
        return false;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, BrokerRegistry.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Subscribes to {@code node} and starts the registry thread; returns at once (the first view is
     * built in the background: {@link RegistryView#ready()} says when).
     */
    public static BrokerRegistry start(Node node, MeterRegistry meters, RegistryOptions options) {
        BrokerRegistry r = new BrokerRegistry(node, meters, options);
        r.feed.start();
        r.thread.start();
        return r;
    }

    public RegistryView view() {
        return view;
    }

    public Timeline timeline() {
        return timeline;
    }

    public RegistryOptions options() {
        return options;
    }

    /** The probe's work so far, for its cost: checks done, their total wall time and CPU time (ns); zeros when it is off. */
    public long[] probeCost() {
        return probe == null ? new long[]{0, 0, 0} : new long[]{probe.checks(), probe.checkNanos(), probe.checkCpuNanos()};
    }

    /** Called on the registry thread after each publication; must hand off at once (HTTP streams do). */
    public void onPublish(Runnable listener) {
        publishListeners.add(listener);
    }

    public void removePublishListener(Runnable listener) {
        publishListeners.remove(listener);
    }

    /** The REST API, the event stream and the dashboard, for the admin HTTP server. */
    public void mount(Router router) {
        new RegistryRoutes(this).mount(router);
    }

    private ClusterView summary(String chroot) {
        ClusterModel m = view.clusters().get(chroot);
        return m == null ? null : m.summary();
    }

    // ---- the registry thread -----------------------------------------------------------------

    private void wake() {
        if (sleeping.get()) LockSupport.unpark(thread);
    }

    private void run() {
        try {
            decoder = new KafkaZnodeDecoder();
            if (store != null) {
                List<KafkaEvent> kept = store.load();
                timeline.addAll(kept);
                KafkaEvent last = timeline.last();
                if (last != null) sink.resumeAfter(last.zxid(), last.ordinal());
                LOG.info("Kafka timeline: {} events kept from earlier runs ({})", kept.size(), options.timelineFile());
            }
            resyncPending = feed.requestResync();
            while (running) {
                if (!resyncPending && (feed.overflowed() || !initialized)) {
                    feed.drain(this::apply, Integer.MAX_VALUE);
                    resyncPending = feed.requestResync();
                }
                int n = feed.drain(this::apply, 1024);
                if (!probeChanged.isEmpty()) {
                    for (String c : List.copyOf(probeChanged)) {
                        probeChanged.remove(c);
                        dirty.add(c);
                    }
                }
                if (!dirty.isEmpty() || publishNeeded) publish();
                long now = System.nanoTime();
                if (probe != null && initialized && now >= nextProbeRoundNanos) {
                    probe.submit(targets(null));
                    nextProbeRoundNanos = now + TimeUnit.MILLISECONDS.toNanos(options.probeIntervalMs());
                }
                if (store != null) store.maybeSync();
                if (n == 0) idle();
            }
        } catch (Throwable t) {
            LOG.error("the Kafka broker registry stopped on an unexpected error; the server goes on without it", t);
        } finally {
            feed.stop();
            if (store != null) store.close();
        }
    }

    private void idle() {
        sleeping.set(true);
        if (!feed.overflowed() && probeChanged.isEmpty()) LockSupport.parkNanos(this, IDLE_NANOS);
        sleeping.set(false);
    }

    private void apply(TreeChange change) {
        lastZxid = Math.max(lastZxid, change.zxid());
        if (change.isResync()) {
            applyImage(change);
            return;
        }
        // Entries queued before the first image arrives are covered by it.
        if (!initialized) return;
        sink.begin(change.zxid(), change.timeMs(), false);
        Set<ClusterState> touched = new LinkedHashSet<>();
        Map<ClusterState, Boolean> wasVisible = new HashMap<>();
        for (ZnodeSnap s : change.znodes()) applyOne(s, change.cause(), touched, wasVisible);
        finish(touched, wasVisible);
    }

    /** A full read of the tree: applied as the difference from what is held, so only real changes make events. */
    private void applyImage(TreeChange image) {
        resyncPending = false;
        boolean baseline = !initialized;
        sink.begin(image.zxid(), image.timeMs(), baseline);
        Map<String, ZnodeSnap> byPath = new HashMap<>();
        for (ZnodeSnap s : image.znodes()) byPath.put(s.path(), s);
        Set<ClusterState> touched = new LinkedHashSet<>();
        Map<ClusterState, Boolean> wasVisible = new HashMap<>();
        for (String path : new ArrayList<>(index.keySet())) {
            if (!byPath.containsKey(path)) applyOne(ZnodeSnap.absent(path), image.cause(), touched, wasVisible);
        }
        // Markers first, so every other path finds its cluster; then parents before children.
        List<ZnodeSnap> ordered = new ArrayList<>(image.znodes());
        ordered.sort(Comparator.comparing((ZnodeSnap s) -> !isMarker(s.path())).thenComparing(ZnodeSnap::path));
        for (ZnodeSnap s : ordered) {
            Indexed held = index.get(s.path());
            if (held != null && held.czxid() == s.stat().czxid() && held.mzxid() == s.stat().mzxid()) continue;
            applyOne(s, image.cause(), touched, wasVisible);
        }
        finish(touched, wasVisible);
        if (baseline) {
            clusters.values().forEach(ClusterState::settleBaseline);
            dirty.addAll(clusters.keySet());
            initialized = true;
            publishNeeded = true;
            LOG.info("Kafka view ready at zxid 0x{}: {} cluster(s), {} Kafka znodes", Long.toHexString(image.zxid()),
                    clusters.values().stream().filter(ClusterState::visible).count(), image.znodes().size());
        } else {
            LOG.info("Kafka view re-read at zxid 0x{} after the feed fell behind", Long.toHexString(image.zxid()));
        }
    }

    private static boolean isMarker(String path) {
        return path.endsWith("/brokers/ids") || path.endsWith("/brokers/topics");
    }

    private void applyOne(ZnodeSnap s, Cause cause, Set<ClusterState> touched, Map<ClusterState, Boolean> wasVisible) {
        KafkaPath where = locate(s);
        if (where == null) return;
        ClusterState cluster = clusters.computeIfAbsent(where.chroot(), ClusterState::new);
        wasVisible.putIfAbsent(cluster, cluster.visible());
        touched.add(cluster);
        if (s.exists()) index.put(s.path(), new Indexed(where, s.stat().czxid(), s.stat().mzxid()));
        else index.remove(s.path());
        cluster.apply(where, s, cause, decoder, sink);
    }

    /** Which cluster a path belongs to: known paths keep their place; a new one prefers a known cluster. */
    private KafkaPath locate(ZnodeSnap s) {
        Indexed held = index.get(s.path());
        if (held != null) return held.where();
        if (!s.exists()) return null;
        List<KafkaPath> candidates = KafkaPaths.parse(s.path());
        if (candidates.isEmpty()) return null;
        for (KafkaPath p : candidates) {
            ClusterState c = clusters.get(p.chroot());
            if (c != null && c.visible()) return p;
        }
        for (KafkaPath p : candidates) {
            if (p.kind() == KafkaPath.Kind.BROKER_IDS || p.kind() == KafkaPath.Kind.TOPICS) return p;
        }
        return candidates.get(0);
    }

    private void finish(Set<ClusterState> touched, Map<ClusterState, Boolean> wasVisible) {
        for (ClusterState c : touched) {
            c.finishEntry(sink);
            boolean before = wasVisible.getOrDefault(c, false);
            if (!before && c.visible()) {
                sink.emit(c.chroot(), KafkaEvent.Type.CLUSTER_APPEARED, null, null, null, "Kafka cluster found at " + c.chroot());
            } else if (before && !c.visible()) {
                sink.emit(c.chroot(), KafkaEvent.Type.CLUSTER_GONE, null, null, null, "Kafka layout at " + c.chroot() + " removed");
            }
            dirty.add(c.chroot());
        }
    }

    private void publish() {
        publishNeeded = false;
        ProbeLookup lookup = probe == null ? ProbeLookup.NONE : probe;
        for (String chroot : dirty) {
            ClusterState c = clusters.get(chroot);
            if (c != null && c.visible()) models.put(chroot, ViewBuilder.build(c, lookup, lastZxid));
            else models.remove(chroot);
        }
        dirty.clear();
        List<KafkaEvent> events = sink.take();
        timeline.addAll(events);
        if (store != null) store.append(events, timeline.all());
        view = new RegistryView(view.version() + 1, lastZxid, initialized, Collections.unmodifiableSortedMap(new TreeMap<>(models)));
        if (meters != null) {
            meters.sync(models.keySet());
            meters.count(events);
        }
        if (probe != null) {
            probe.retain(models.keySet(), (chroot, id) -> {
                ClusterState c = clusters.get(chroot);
                return c != null && c.liveBrokerIds().contains(id);
            });
            List<ReachabilityProbe.Target> fresh = targets(events);
            if (!fresh.isEmpty()) probe.submit(fresh);
        }
        for (Runnable l : publishListeners) l.run();
    }

    /** Brokers to probe: all registered ones, or only those the given events just registered. */
    private List<ReachabilityProbe.Target> targets(List<KafkaEvent> onlyRegisteredIn) {
        Set<String> fresh = null;
        if (onlyRegisteredIn != null) {
            fresh = new HashSet<>();
            for (KafkaEvent e : onlyRegisteredIn) {
                if (e.type() == KafkaEvent.Type.BROKER_REGISTERED) fresh.add(e.chroot() + "\u0000" + e.brokerId());
            }
            if (fresh.isEmpty()) return List.of();
        }
        List<ReachabilityProbe.Target> out = new ArrayList<>();
        for (ClusterModel m : models.values()) {
            for (ClusterView.Broker b : m.summary().brokers()) {
                if (fresh != null && !fresh.contains(m.summary().chroot() + "\u0000" + b.id())) continue;
                out.add(new ReachabilityProbe.Target(m.summary().chroot(), b.id(), b.epoch(), b.endpoints(), b.securityProtocols()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (probe != null) probe.close();
    }
}
