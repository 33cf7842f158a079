package dev.meerkat.core.node;

import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.DynamicConfig;
import dev.meerkat.core.cluster.ServerSpec;
import dev.meerkat.core.raft.Membership;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.tree.DataTree;
import dev.meerkat.core.tree.Znode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ensemble's configuration as this server has applied it: the servers, their addresses and
 * roles, and the version clients see in {@code /zookeeper/config}. Written by the tree thread
 * (an applied CONFIG entry, a loaded snapshot), read by any thread; the peer links, the status and
 * the dynamic configuration file follow it through listeners.
 *
 * <p>Two views: {@link #current()}, every step the log has taken (a learner that is joining
 * included), which the peer links and the server's own role follow; and {@link #published()}, the
 * last complete reconfig, which is what {@code /zookeeper/config}, {@code conf} and the dynamic
 * configuration file show. They differ only while a reconfig is half-way.
 *
 * <p>Until a configuration has come through the log (always, when reconfig is off), both are the
 * one read from zoo.cfg, with version 0.
 */
public final class ConfigTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigTracker.class);

    private final ClusterConfig cluster;
    private final DynamicConfig fromFile;
    private final List<Consumer<DynamicConfig>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<DynamicConfig>> publishedListeners = new CopyOnWriteArrayList<>();
    private volatile DynamicConfig current;
    private volatile DynamicConfig published;
    /** {@code current}'s membership, made once per change: the tree thread asks for it every round of its loop. */
    private volatile Membership membership;

    ConfigTracker(ClusterConfig cluster) {
        this.cluster = cluster;
        this.fromFile = DynamicConfig.of(cluster.servers().values(), 0);
        this.current = fromFile;
        this.membership = fromFile.membership();
        this.published = fromFile;
    }

    /** Every step taken so far: who replicates and votes now. */
    public DynamicConfig current() {
        return current;
    }

    /** The configuration clients see: the last complete reconfig (or zoo.cfg's). */
    public DynamicConfig published() {
        return published;
    }

    /** The configuration zoo.cfg gave this server. */
    public DynamicConfig fromFile() {
        return fromFile;
    }

    public Membership membership() {
        return membership;
    }

    /** Called on every change of {@link #current()}, on the tree thread: must not block. */
    public void addListener(Consumer<DynamicConfig> listener) {
        listeners.add(listener);
    }

    /** Called on every change of {@link #published()}, on the tree thread: must not block. */
    public void addPublishedListener(Consumer<DynamicConfig> listener) {
        publishedListeners.add(listener);
    }

    /** Tree thread: a CONFIG entry was applied; {@code visible} when it is a new published version. */
    void applied(DynamicConfig config, boolean visible) {
        DynamicConfig before = current;
        membership = config.membership();
        current = config;
        if (before.servers().containsKey(cluster.myId()) && !config.servers().containsKey(cluster.myId())) {
            LOG.warn("server {} is no longer part of the ensemble (configuration version {}): it stops taking part and serving",
                    cluster.myId(), Long.toHexString(config.version()));
        }
        LOG.info("ensemble configuration {} {}: {}", visible ? "version" : "step", Long.toHexString(config.version()),
                config.serverLines().strip().replace('\n', ' '));
        notifyListeners(listeners, config);
        if (visible) {
            published = config;
            notifyListeners(publishedListeners, config);
        }
    }

    /**
     * Tree thread (or before it starts): the state was replaced (loaded at start or received from
     * the leader). Its {@code /zookeeper/config} is the truth when a CONFIG entry wrote it; otherwise
     * the file's configuration is written there, as ZooKeeper does for a static ensemble.
     */
    void stateLoaded(StateMachine state) {
        if (cluster.isStandalone()) return;
        Znode node = state.tree().get(DataTree.CONFIG_PATH);
        DynamicConfig config = fromFile;
        if (node != null && node.stat().mzxid() > 0) {
            config = DynamicConfig.parse(new String(node.data(), StandardCharsets.UTF_8)).withVersion(node.stat().mzxid());
        } else {
            state.tree().setConfig(fromFile.bytes(), 0, System.currentTimeMillis());
        }
        // A snapshot keeps only the published configuration: a step taken after it is taken again
        // from the log, and a half-way reconfig whose steps the snapshot covers is finished by the next
        // published version.
        boolean changed = !config.equals(current);
        boolean publishedChanged = !config.equals(published);
        membership = config.membership();
        current = config;
        published = config;
        if (changed) notifyListeners(listeners, config);
        if (publishedChanged) notifyListeners(publishedListeners, config);
    }

    private static void notifyListeners(List<Consumer<DynamicConfig>> to, DynamicConfig config) {
        for (Consumer<DynamicConfig> l : to) {
            try {
                l.accept(config);
            } catch (RuntimeException e) {
                LOG.error("configuration listener {} failed", l, e);
            }
        }
    }

    /** The server's own line in the current configuration, or the file's. */
    ServerSpec self() {
        ServerSpec s = current.servers().get(cluster.myId());
        return s != null ? s : cluster.self();
    }
}
