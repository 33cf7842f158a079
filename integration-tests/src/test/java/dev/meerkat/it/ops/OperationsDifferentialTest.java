package dev.meerkat.it.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every four-letter word and every AdminServer command against Apache ZooKeeper 3.9.5 started in this
 * test (its AdminServer on, whitelist "*"), after the same history on both: the same lines and keys
 * with the same value types, the same JSON field names and types.
 */
class OperationsDifferentialTest {
    static final List<String> WORDS = List.of("conf", "cons", "crst", "dump", "envi", "ruok", "srst", "srvr", "stat", "wchs",
            "wchc", "wchp", "mntr", "isro", "dirs", "hash", "gtmk", "stmk");

    private static ReferenceZooKeeperServer zookeeper;
    private static Meerkat meerkat;
    private static ZooKeeper zkClient;
    private static ZooKeeper meerkatClient;
    private static int zkAdmin;

    @BeforeAll
    static void start(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        zkAdmin = ReferenceZooKeeperServer.freePort();
        zookeeper = new ReferenceZooKeeperServer(Map.of("4lw.commands.whitelist", "*", "admin.enableServer", "true",
                "admin.serverAddress", "127.0.0.1", "admin.serverPort", Integer.toString(zkAdmin)));
        meerkat = Meerkat.start(Meerkat.embeddedConfig(dir).withAdminServer(true, "127.0.0.1", 0));
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

    private static String zk(String word) throws Exception {
        return FourLetterClient.ask(zookeeper.clientPort(), word, true);
    }

    private static String mk(String word) throws Exception {
        return FourLetterClient.ask(meerkat.port(), word, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cons", "dump", "ruok", "srvr", "stat", "wchs", "wchc", "wchp", "isro", "hash", "crst", "srst"})
    void wordHasZooKeepersLines(String word) throws Exception {
        assertThat(Shapes.lines(mk(word))).as(word).isEqualTo(Shapes.lines(zk(word)));
    }

    @Test
    void gtmkAndStmkAnswerTheMaskAsZooKeeperDoes() throws Exception {
        assertThat(mk("stmk")).isEqualTo(zk("stmk")).isEqualTo("256");
        assertThat(mk("gtmk")).isEqualTo(zk("gtmk")).isEqualTo("256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"conf", "envi", "dirs"})
    void keyValueWordsHaveZooKeepersKeysAndTypes(String word) throws Exception {
        String separator = word.equals("dirs") ? ": " : "=";
        assertThat(Shapes.keyed(mk(word), separator)).as(word).isEqualTo(Shapes.keyed(zk(word), separator));
        if (word.equals("envi")) assertThat(mk(word)).startsWith("Environment:\n").startsWith(zk(word).substring(0, 13));
    }

    /** mntr: every key ZooKeeper 3.9.5 standalone prints, with the same type, in ZooKeeper's order; Meerkat's own after them. */
    @Test
    void mntrHasEveryZooKeeperKey() throws Exception {
        Map<String, String> zkKeys = withoutPerNamespace(Shapes.keyed(zk("mntr"), "\t"));
        Map<String, String> mkKeys = Shapes.keyed(mk("mntr"), "\t");
        Map<String, String> shared = new LinkedHashMap<>(mkKeys);
        shared.keySet().retainAll(zkKeys.keySet());
        assertThat(shared).isEqualTo(zkKeys);
        List<String> order = new ArrayList<>(mkKeys.keySet());
        List<String> extras = new ArrayList<>(order);
        extras.removeAll(zkKeys.keySet());
        assertThat(extras).isNotEmpty().allMatch(k -> k.startsWith("zk_meerkat_"));
        // Meerkat's own keys come after every ZooKeeper key.
        assertThat(order.subList(order.size() - extras.size(), order.size())).isEqualTo(extras);
    }

    /** ZooKeeper's per-namespace summaries grow with the top-level znodes; Meerkat leaves them out (see docs/operations.md). */
    static Map<String, String> withoutPerNamespace(Map<String, String> keys) {
        Map<String, String> out = new LinkedHashMap<>(keys);
        out.keySet().removeIf(k -> k.endsWith("_per_namespace") || k.contains("_per_namespace{"));
        return out;
    }

    // ---- AdminServer -----------------------------------------------------------------------------

    static final List<String> COMMANDS = List.of("monitor", "ruok", "server_stats", "srvr", "stats", "stat", "configuration",
            "conf", "connections", "cons", "environment", "envi", "watch_summary", "wchs", "watches", "wchc", "watches_by_path",
            "wchp", "dirs", "is_read_only", "isro", "dump", "hash", "leader", "voting_view", "observers", "last_snapshot",
            "system_properties", "get_trace_mask", "gtmk", "zabstate", "initial_configuration", "connection_stat_reset",
            "stat_reset", "observer_connection_stat_reset", "no_such_command");

    private static HttpResponse<String> zkCommand(String name) throws Exception {
        return Http.get("http://127.0.0.1:" + zkAdmin + "/commands/" + name);
    }

    private static HttpResponse<String> mkCommand(String name) throws Exception {
        return Http.get("http://127.0.0.1:" + meerkat.adminPort() + "/commands/" + name);
    }

    @Test
    void commandIndexListsZooKeepersCommands() throws Exception {
        Set<String> zk = links(Http.get("http://127.0.0.1:" + zkAdmin + "/commands").body());
        Set<String> ours = new java.util.TreeSet<>(links(Http.get("http://127.0.0.1:" + meerkat.adminPort() + "/commands").body()));
        assertThat(zk).hasSize(28);
        // Meerkat's one extra: leadership transfer on demand (docs/operations.md).
        assertThat(ours.remove("/commands/transfer_leadership transfer_leadership")).isTrue();
        assertThat(ours).isEqualTo(zk);
    }

    private static Set<String> links(String html) {
        Set<String> out = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<a href=\"([^\"]+)\">([^<]+)</a>").matcher(html);
        while (m.find()) out.add(m.group(1) + " " + m.group(2));
        return out;
    }

    @Test
    void everyCommandAnswersZooKeepersFieldsAndTypes() throws Exception {
        for (String name : COMMANDS) {
            HttpResponse<String> z = zkCommand(name);
            HttpResponse<String> m = mkCommand(name);
            assertThat(m.statusCode()).as(name + " status").isEqualTo(z.statusCode());
            assertThat(m.headers().firstValue("content-type").orElse("")).as(name).startsWith("application/json");
            JsonNode zj = Shapes.json(z.body());
            JsonNode mj = Shapes.json(m.body());
            Object zs = Shapes.json(zj);
            Object ms = Shapes.json(mj);
            if (name.equals("monitor") || name.equals("mntr")) {
                assertMonitorShape(zj, mj);
            } else if (name.equals("environment") || name.equals("envi") || name.equals("system_properties")) {
                // Same JVM, so the same environment; values all strings.
                assertThat(names(mj)).as(name).containsAll(name.equals("system_properties") ? Set.of("java.version", "user.dir") : names(zj));
                mj.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual() || e.getKey().equals("error"))
                        .as(name + "." + e.getKey()).isTrue());
            } else {
                assertSameShape(name, zs, ms);
            }
        }
    }

    private static Set<String> names(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void assertMonitorShape(JsonNode zk, JsonNode mk) {
        Map<String, Object> z = new LinkedHashMap<>();
        zk.fields().forEachRemaining(e -> {
            if (!e.getKey().endsWith("_per_namespace")) z.put(e.getKey(), Shapes.json(e.getValue()));
        });
        Map<String, Object> m = new LinkedHashMap<>();
        mk.fields().forEachRemaining(e -> m.put(e.getKey(), Shapes.json(e.getValue())));
        Map<String, Object> shared = new LinkedHashMap<>(m);
        shared.keySet().retainAll(z.keySet());
        assertThat(shared).isEqualTo(z);
    }

    /** Equal shapes, where an empty list or map on one side matches any list or map on the other. */
    @SuppressWarnings("unchecked")
    static void assertSameShape(String where, Object zk, Object mk) {
        if (zk.equals("[]") && (mk instanceof List || mk.equals("[]"))) return;
        if (mk.equals("[]") && zk instanceof List) return;
        if (zk instanceof Map<?, ?> zm && mk instanceof Map<?, ?> mm) {
            if (zm.isEmpty() || mm.isEmpty()) {
                if (zm.isEmpty() && mm.isEmpty()) return;
                if (zm.containsKey("*") || mm.containsKey("*") || zm.isEmpty() && !mm.isEmpty() && mm.keySet().equals(Set.of("*"))) return;
            }
            assertThat(new TreeSet<>((Set<String>) mm.keySet())).as(where + " fields").isEqualTo(new TreeSet<>((Set<String>) zm.keySet()));
            for (Object k : zm.keySet()) assertSameShape(where + "." + k, zm.get(k), mm.get(k));
            return;
        }
        if (zk instanceof List<?> zl && mk instanceof List<?> ml) {
            assertSameShape(where + "[0]", zl.get(0), ml.get(0));
            return;
        }
        assertThat(mk).as(where).isEqualTo(zk);
    }

    @Test
    void snapshotNeedsAuthAndStreamsADownload() throws Exception {
        String zkUrl = "http://127.0.0.1:" + zkAdmin + "/commands/snapshot";
        String mkUrl = "http://127.0.0.1:" + meerkat.adminPort() + "/commands/snapshot";
        HttpResponse<String> zNoAuth = Http.get(zkUrl);
        HttpResponse<String> mNoAuth = Http.get(mkUrl);
        assertThat(mNoAuth.statusCode()).isEqualTo(zNoAuth.statusCode()).isEqualTo(401);
        assertThat(Shapes.json(Shapes.json(mNoAuth.body()))).isEqualTo(Shapes.json(Shapes.json(zNoAuth.body())));
        assertThat(Http.get(mkUrl, "nosuchscheme x").statusCode()).isEqualTo(Http.get(zkUrl, "nosuchscheme x").statusCode()).isEqualTo(401);
        HttpResponse<byte[]> z = Http.getBytes(zkUrl, "digest admin:secret");
        HttpResponse<byte[]> m = Http.getBytes(mkUrl, "digest admin:secret");
        assertThat(m.statusCode()).isEqualTo(z.statusCode()).isEqualTo(200);
        assertThat(m.headers().firstValue("content-type")).isEqualTo(z.headers().firstValue("content-type"));
        assertThat(m.headers().firstValue("last_zxid").orElseThrow()).matches("0x[0-9a-f]+");
        assertThat(Long.parseLong(m.headers().firstValue("snapshot_size").orElseThrow())).isEqualTo(m.body().length).isPositive();
        assertThat(z.headers().firstValue("snapshot_size")).isPresent();

        // The download is a fresh snapshot: it holds a write answered just before it was asked for.
        meerkatClient.create("/snapshot-probe", "probe".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, org.apache.zookeeper.CreateMode.PERSISTENT);
        long probeZxid = meerkatClient.exists("/snapshot-probe", false).getCzxid();
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> fresh = Http.getBytes(mkUrl, "digest admin:secret");
            assertThat(fresh.statusCode()).isEqualTo(200);
            long lastZxid = Long.decode(fresh.headers().firstValue("last_zxid").orElseThrow());
            var loaded = dev.meerkat.core.snapshot.SnapshotCodec.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(fresh.body())));
            assertThat(loaded.stateMachine().lastApplied()).isEqualTo(lastZxid).isGreaterThanOrEqualTo(probeZxid);
            assertThat(loaded.stateMachine().tree().get("/snapshot-probe").data()).asString().isEqualTo("probe");
        }
    }

    @Test
    void restoreIsAPostCommandThatNeedsAuth() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (int port : new int[]{zkAdmin, meerkat.adminPort()}) {
            HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/commands/restore"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("port " + port).isEqualTo(401);
            assertThat(Shapes.json(r.body()).get("error").asText()).isEqualTo("Auth info is missing for the command");
        }
    }

}
