package dev.meerkat.junit.kafka;

import dev.meerkat.server.Meerkat;
import kafka.server.KafkaConfig;
import kafka.server.KafkaServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Time;
import scala.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A whole Kafka cluster for tests: an embedded Meerkat and N in-process Kafka 3.x brokers in
 * ZooKeeper mode ({@code kafka.server.KafkaServer}) on free loopback ports, with their logs in a
 * temporary directory that {@link #close()} deletes.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.builder().brokers(3).topic("orders:6:3").start()) {
 *     Map<String, Object> producerConfig = Map.of("bootstrap.servers", kafka.bootstrapServers(), ...);
 *     kafka.killBroker(0);           // the controller moves its partitions' leadership elsewhere
 *     kafka.restartBroker(0);        // same id, same log directory, same port
 * }
 * }</pre>
 *
 * The brokers start in parallel; {@link Builder#start()} returns when every broker is registered, a
 * controller is elected and every requested topic has a leader for each partition. Kafka is the
 * test's own dependency ({@code org.apache.kafka:kafka_2.13}, any 3.x): this class is only loaded
 * when a cluster is asked for.
 */
public final class KafkaCluster implements AutoCloseable {
    /** Keys the cluster sets itself: it must know every broker's id, address and directory. */
    private static final List<String> OWN_KEYS = List.of("broker.id", "zookeeper.connect", "listeners", "advertised.listeners", "log.dirs", "log.dir");
    private static final ListenerName PLAINTEXT = ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT);

    private final Meerkat meerkat;
    private final Path root;
    private final Map<String, String> brokerProperties;
    private final Duration timeout;
    private final Map<Integer, Broker> brokers = new LinkedHashMap<>();
    private volatile boolean closed;

    private KafkaCluster(Meerkat meerkat, Path root, Map<String, String> brokerProperties, Duration timeout) {
        this.meerkat = meerkat;
        this.root = root;
        this.brokerProperties = brokerProperties;
        this.timeout = timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port,host:port,...} of the brokers, for {@code bootstrap.servers}; killed brokers included (their port is kept for the restart). */
    public String bootstrapServers() {
        return brokers.values().stream().map(b -> "127.0.0.1:" + b.port).collect(Collectors.joining(","));
    }

    /** Meerkat's {@code host:port}: the brokers' {@code zookeeper.connect} (they use no chroot). */
    public String zookeeperConnect() {
        return meerkat.connectString();
    }

    /** The coordinator the brokers run on. */
    public Meerkat meerkat() {
        return meerkat;
    }

    /** The broker ids, 0 to N-1. */
    public List<Integer> brokerIds() {
        return List.copyOf(brokers.keySet());
    }

    public synchronized boolean isRunning(int brokerId) {
        return entry(brokerId).server != null;
    }

    /** The running broker with this id (Kafka's own class), for whatever a test wants to look at. */
    public synchronized KafkaServer broker(int brokerId) {
        KafkaServer server = entry(brokerId).server;
        if (server == null) throw new IllegalStateException("broker " + brokerId + " is not running");
        return server;
    }

    /**
     * Stops a broker at once, as a crash would look to the rest of the cluster: the cluster's
     * brokers run without controlled shutdown (unless a test turned it on), so the broker hands
     * nothing over; the controller sees its registration disappear and elects new leaders for its
     * partitions. The broker's log directory and port are kept for {@link #restartBroker}.
     */
    public synchronized void killBroker(int brokerId) {
        Broker b = entry(brokerId);
        if (b.server == null) throw new IllegalStateException("broker " + brokerId + " is not running");
        b.stop();
    }

    /** Starts a stopped broker again: same id, same log directory, same port. Returns once it is registered. */
    public void restartBroker(int brokerId) {
        Broker b;
        synchronized (this) {
            b = entry(brokerId);
            if (b.server != null) throw new IllegalStateException("broker " + brokerId + " is running");
        }
        b.start();
        awaitBrokers(liveIds());
    }

    /**
     * Creates topics ({@code name}, {@code name:partitions} or {@code name:partitions:replicas};
     * defaults: 1 partition, the smaller of 3 and the cluster's size for replicas) and waits until
     * each partition has a leader.
     */
    public void createTopics(String... topics) {
        createTopics(Stream.of(topics).map(t -> TopicSpec.parse(t, 1, Math.min(3, brokers.size()))).toList());
    }

    private void createTopics(List<TopicSpec> topics) {
        if (topics.isEmpty()) return;
        try (Admin admin = admin()) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t.name(), t.partitions(), t.replicationFactor())).toList())
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> names = topics.stream().map(TopicSpec::name).toList();
            awaitCondition("a leader for every partition of " + names, () -> {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                for (TopicSpec t : topics) {
                    TopicDescription d = described.get(t.name());
                    if (d == null || d.partitions().size() != t.partitions()) return false;
                    for (TopicPartitionInfo p : d.partitions()) if (p.leader() == null || p.leader().isEmpty()) return false;
                }
                return true;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topics, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create " + topics + ": " + e.getMessage(), e);
        }
    }

    /** A Kafka admin client on this cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, liveBootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /** Stops every broker (in parallel), then Meerkat, and deletes the brokers' log directories. */
    @Override
    public void close() {
        List<Broker> running;
        synchronized (this) {
            if (closed) return;
            closed = true;
            running = brokers.values().stream().filter(b -> b.server != null).toList();
        }
        RuntimeException failure = null;
        try {
            CompletableFuture.allOf(running.stream().map(b -> CompletableFuture.runAsync(b::stop, KafkaCluster::onOwnThread))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            failure = new IllegalStateException("a broker did not stop cleanly: " + e.getCause(), e.getCause());
        }
        meerkat.close();
        deleteRecursively(root);
        if (failure != null) throw failure;
    }

    private synchronized List<Integer> liveIds() {
        return brokers.values().stream().filter(b -> b.server != null).map(b -> b.id).toList();
    }

    private synchronized String liveBootstrapServers() {
        String live = brokers.values().stream().filter(b -> b.server != null).map(b -> "127.0.0.1:" + b.port).collect(Collectors.joining(","));
        if (live.isEmpty()) throw new IllegalStateException("no broker is running");
        return live;
    }

    private Broker entry(int id) {
        Broker b = brokers.get(id);
        if (b == null) throw new IllegalArgumentException("no broker " + id + "; the brokers are " + brokers.keySet());
        return b;
    }

    /** Waits until exactly these brokers are registered and a controller is elected among them. */
    private void awaitBrokers(List<Integer> ids) {
        try (Admin admin = admin()) {
            awaitCondition("brokers " + ids + " registered and a controller elected", () -> {
                DescribeClusterResult cluster = admin.describeCluster();
                Collection<Node> nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Node controller = cluster.controller().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                List<Integer> registered = nodes.stream().map(Node::id).sorted().toList();
                return registered.equals(ids.stream().sorted().toList()) && controller != null && ids.contains(controller.id());
            });
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private void awaitCondition(String what, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        long pauseMs = 5;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                last = e;
            }
            try {
                // Polling Kafka's own view: nothing in a broker announces "the cluster agrees" to an outsider.
                TimeUnit.MILLISECONDS.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
            pauseMs = Math.min(100, pauseMs * 2);
        }
        throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")"), last);
    }

    private static void onOwnThread(Runnable r) {
        Thread t = new Thread(r, "kafka-cluster-worker");
        t.setDaemon(true);
        t.start();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // A leftover temporary directory is not worth failing a test over.
        }
    }

    /** One broker: its id, directory and port survive a kill, its {@code KafkaServer} does not. */
    private final class Broker {
        final int id;
        final Path logDir;
        /** 0 until the first start binds a free port; kept from then on. */
        volatile int port;
        KafkaServer server;

        Broker(int id, Path logDir) {
            this.id = id;
            this.logDir = logDir;
        }

        void start() {
            Properties p = new Properties();
            // Small and quick, for tests: the same settings Kafka's and Spring's test brokers use.
            int replicas = Math.min(3, brokers.size());
            p.put("offsets.topic.replication.factor", String.valueOf(replicas));
            p.put("offsets.topic.num.partitions", "5");
            p.put("transaction.state.log.replication.factor", String.valueOf(replicas));
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "5");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("controlled.shutdown.enable", "false");
            p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
            p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "2");
            p.put("background.threads", "2");
            p.put("num.replica.fetchers", "1");
            p.put("replica.socket.timeout.ms", "5000");
            p.put("zookeeper.session.timeout.ms", "10000");
            p.put("delete.topic.enable", "true");
            p.putAll(brokerProperties);
            p.put("broker.id", String.valueOf(id));
            p.put("zookeeper.connect", meerkat.connectString());
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("log.dirs", logDir.toString());
            KafkaServer s = new KafkaServer(KafkaConfig.fromProps(p), Time.SYSTEM, Option.apply("kafka-" + id + "-"), false);
            try {
                s.startup();
            } catch (RuntimeException e) {
                s.shutdown();
                s.awaitShutdown();
                throw new IllegalStateException("Kafka broker " + id + " did not start: " + e.getMessage(), e);
            }
            synchronized (KafkaCluster.this) {
                port = s.boundPort(PLAINTEXT);
                server = s;
            }
        }

        void stop() {
            KafkaServer s;
            synchronized (KafkaCluster.this) {
                s = server;
                server = null;
            }
            if (s == null) return;
            s.shutdown();
            s.awaitShutdown();
        }
    }

    /** How the cluster is made: every setting has a default good for a test. */
    public static final class Builder {
        private int brokers = 1;
        private final List<String> topics = new ArrayList<>();
        private int partitions = 1;
        private int replicationFactor = -1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** How many brokers (ids 0 to N-1); default 1. */
        public Builder brokers(int count) {
            if (count < 1) throw new IllegalArgumentException("a cluster has at least one broker, not " + count);
            brokers = count;
            return this;
        }

        /** A topic to create at start: {@code name}, {@code name:partitions} or {@code name:partitions:replicas}. */
        public Builder topic(String spec) {
            topics.add(Objects.requireNonNull(spec, "topic"));
            return this;
        }

        public Builder topics(String... specs) {
            for (String s : specs) topic(s);
            return this;
        }

        /** Partitions of a topic that does not say; default 1. */
        public Builder partitions(int count) {
            if (count < 1) throw new IllegalArgumentException("partitions must be at least 1, not " + count);
            partitions = count;
            return this;
        }

        /** Replicas of a topic that does not say; default the smaller of 3 and the number of brokers. */
        public Builder replicationFactor(int replicas) {
            if (replicas < 1) throw new IllegalArgumentException("replication factor must be at least 1, not " + replicas);
            replicationFactor = replicas;
            return this;
        }

        /**
         * A setting for every broker (over the cluster's own test defaults). The cluster sets
         * {@code broker.id}, {@code zookeeper.connect}, {@code listeners} and {@code log.dirs} itself.
         */
        public Builder brokerProperty(String key, String value) {
            if (OWN_KEYS.contains(key)) throw new IllegalArgumentException(key + " is set by the cluster itself (it tracks every broker's id, address and directory)");
            brokerProperties.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        /** {@code key=value} settings, as {@code @MeerkatKafka(brokerProperties = ...)} takes them. */
        public Builder brokerProperties(String... keyValues) {
            for (String kv : keyValues) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("a broker property is key=value, not '" + kv + "'");
                brokerProperty(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
            return this;
        }

        /** How long start, restart and topic creation may take before they fail; default 60 s. */
        public Builder timeout(Duration limit) {
            timeout = Objects.requireNonNull(limit, "timeout");
            return this;
        }

        /** Starts Meerkat and the brokers; returns once the cluster is ready (see the class comment). */
        public KafkaCluster start() {
            KafkaPresence.require();
            int replicas = replicationFactor > 0 ? replicationFactor : Math.min(3, brokers);
            List<TopicSpec> specs = topics.stream().map(t -> TopicSpec.parse(t, partitions, replicas)).toList();
            Path root;
            try {
                root = Files.createTempDirectory("meerkat-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("no temporary directory for the Kafka logs", e);
            }
            KafkaCluster cluster = new KafkaCluster(Meerkat.embedded(), root, Map.copyOf(brokerProperties), timeout);
            try {
                for (int id = 0; id < brokers; id++) cluster.brokers.put(id, cluster.new Broker(id, root.resolve("broker-" + id)));
                // In parallel: each broker's start is mostly waiting on its own ZooKeeper round trips.
                CompletableFuture.allOf(cluster.brokers.values().stream()
                        .map(b -> CompletableFuture.runAsync(b::start, KafkaCluster::onOwnThread))
                        .toArray(CompletableFuture[]::new)).join();
                cluster.awaitBrokers(cluster.brokerIds());
                cluster.createTopics(specs);
                return cluster;
            } catch (RuntimeException e) {
                try {
                    cluster.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e instanceof CompletionException && e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }
}
