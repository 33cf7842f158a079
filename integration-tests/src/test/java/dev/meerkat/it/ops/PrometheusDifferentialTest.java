package dev.meerkat.it.ops;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus endpoint against ZooKeeper 3.9.5 with its PrometheusMetricsProvider
 * (metricsProvider.className as in ZooKeeper's own zoo.cfg): both scrapes parse with a real
 * Prometheus parser, and every sample ZooKeeper exposes (so every query a ZooKeeper dashboard makes)
 * is exposed by Meerkat under the same name with the same label names; so is mntr's key set.
 */
class PrometheusDifferentialTest {
    /**
     * What Meerkat leaves out, and why. Per-namespace and quota families grow with the top-level
     * znodes (unbounded cardinality a client controls); jvm_info cannot be a gauge name in the
     * Prometheus client Micrometer uses (the _info suffix is reserved), jvm_classes_loaded_total would
     * clash there with the jvm_classes_loaded gauge, and the per-pool allocation counter needs GC
     * notification listeners Meerkat does not install.
     */
    static final Predicate<String> LEFT_OUT = name -> name.contains("_per_namespace") || name.startsWith("jvm_info")
            || name.equals("jvm_classes_loaded_total") || name.startsWith("jvm_memory_pool_allocated_bytes");

    private static ReferenceZooKeeperServer zookeeper;
    private static Meerkat meerkat;
    private static ZooKeeper zkClient;
    private static ZooKeeper meerkatClient;
    private static int zkMetricsPort;

    @BeforeAll
    static void start() throws Exception {
        zkMetricsPort = ReferenceZooKeeperServer.freePort();
        zookeeper = new ReferenceZooKeeperServer(Map.of("4lw.commands.whitelist", "*", "admin.enableServer", "false",
                "metricsProvider.className", "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider",
                "metricsProvider.httpHost", "127.0.0.1", "metricsProvider.httpPort", Integer.toString(zkMetricsPort)));
        meerkat = Meerkat.start(Meerkat.embeddedConfig(null)
                .withOperations(Meerkat.embeddedConfig(null).operations().withPrometheus("127.0.0.1", 0)));
        zkClient = Workload.run(zookeeper.connectString());
        meerkatClient = Workload.run(meerkat.connectString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (zkClient != null) zkClient.close();
        if (meerkatClient != null) meerkatClient.close();
        if (meerkat != null) meerkat.close();
        if (zookeeper != null) zookeeper.close();
    }

    private static Map<String, String> sampleLabels(List<PrometheusText.Sample> samples) {
        Map<String, String> out = new TreeMap<>();
        // The parser reports a counter's samples as name_total even when the exposition (ZooKeeper's) has no suffix:
        // take the name back to what a query uses.
        for (PrometheusText.Sample s : samples) {
            String name = s.type().equals("counter") && s.name().endsWith("_total") ? s.name().substring(0, s.name().length() - 6) : s.name();
            out.put(name, s.labels());
        }
        return out;
    }

    @Test
    void scrapeHasEverySampleZooKeeperExposes() throws Exception {
        HttpResponse<String> z = Http.get("http://127.0.0.1:" + zkMetricsPort + "/metrics");
        HttpResponse<String> m = Http.get("http://127.0.0.1:" + meerkat.metricsPort() + "/metrics");
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
        Map<String, String> zk = sampleLabels(PrometheusText.parse(z.body()));
        Map<String, String> mk = sampleLabels(PrometheusText.parse(m.body()));
        zk.keySet().removeIf(LEFT_OUT);
        assertThat(zk).hasSizeGreaterThan(200);
        Map<String, String> shared = new TreeMap<>(mk);
        shared.keySet().retainAll(zk.keySet());
        assertThat(new TreeSet<>(zk.keySet())).as("ZooKeeper's samples missing from Meerkat's scrape")
                .containsExactlyInAnyOrderElementsOf(shared.keySet());
        assertThat(shared).as("label names per sample").isEqualTo(zk);
        // Meerkat's own metrics are there too, under meerkat_*.
        assertThat(mk.keySet()).contains("meerkat_log_fsync_seconds_bucket", "meerkat_log_group_commit_entries_bucket",
                "meerkat_apply_delay_seconds_bucket", "meerkat_raft_term", "meerkat_raft_commit_index", "meerkat_apply_lag_entries",
                "meerkat_snapshot_duration_seconds_count", "meerkat_snapshot_pause_seconds_count", "meerkat_request_latency_seconds_bucket");
        assertThat(m.body()).containsPattern("meerkat_request_latency_seconds_bucket\\{[^}]*le=").containsPattern("meerkat_request_latency_seconds_count\\{op=\"setData\"");
    }

    @Test
    void theAdminServerServesTheSameScrape() throws Exception {
        try (Meerkat withAdmin = Meerkat.start(Meerkat.embeddedConfig(null).withAdminServer(true, "127.0.0.1", 0))) {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + withAdmin.adminPort() + "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(sampleLabels(PrometheusText.parse(r.body()))).containsKeys("znode_count", "readlatency_count", "jvm_memory_bytes_used");
        }
    }

    @Test
    void mntrWithTheProviderHasZooKeepersKeys() throws Exception {
        Set<String> zk = keys(FourLetterClient.ask(zookeeper.clientPort(), "mntr", true));
        Set<String> mk = keys(FourLetterClient.ask(meerkat.port(), "mntr", true));
        zk.removeIf(k -> LEFT_OUT.test(k.substring(3)));
        assertThat(zk).hasSizeGreaterThan(200);
        Set<String> missing = new TreeSet<>(zk);
        missing.removeAll(mk);
        assertThat(missing).as("mntr keys ZooKeeper prints with its provider that Meerkat does not").isEmpty();
        for (String line : FourLetterClient.ask(meerkat.port(), "mntr", true).split("\n")) {
            String[] kv = line.split("\t");
            if (kv[0].equals("zk_version") || kv[0].equals("zk_server_state")) continue;
            assertThat(Shapes.type(kv[1])).as(line).isEqualTo("float");
        }
    }

    /** mntr keys with labels normalised to their names: zk_readlatency{quantile} rather than {quantile="0.5"}. */
    private static Set<String> keys(String mntr) {
        Set<String> out = new TreeSet<>();
        for (String line : mntr.split("\n")) {
            String key = line.split("\t")[0];
            out.add(key.replaceAll("=\"[^\"]*\"", ""));
        }
        return out;
    }
}
