package dev.meerkat.it.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meerkat.registry.kafka.Decoded;
import dev.meerkat.registry.kafka.KafkaPath;
import dev.meerkat.registry.kafka.KafkaPaths;
import dev.meerkat.registry.kafka.KafkaZnodeDecoder;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.KafkaViewConfig;
import dev.meerkat.server.config.ServerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The broker registry against real Kafka 3.9.1 brokers (each in its own JVM, so kill -9 is real):
 * three brokers under {@code /kafka/main}, one at the root of the tree, the REST API, the event
 * stream, the Prometheus meters and the dashboard in a real headless Chromium, through two broker
 * kills. The steps build on each other and run in order; one set of broker start-ups serves all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaDashboardTest {
    static final int SESSION_TIMEOUT_MS = 6000;
    static final String MAIN = "/kafka/main";
    static final String ROOT = "/";
    static final String TOPIC = "orders";
    static final Path ARTIFACTS = Path.of("target", "dashboard");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path runDir;
    private Meerkat meerkat;
    private String api;
    private ZooKeeper zk;
    private final Map<Integer, KafkaBroker> main = new TreeMap<>();
    private KafkaBroker rootBroker;
    private Admin mainAdmin;
    private DashboardBrowser browser;
    private EventStreamReader stream;
    private boolean clusterUp;
    private long[] probeCost = {0, 0, 0};
    private final Map<String, Double> timings = new TreeMap<>();

    @BeforeAll
    void setUp() throws Exception {
        runDir = Files.createDirectories(Path.of("target", "kafka-runs", "dashboard-" + System.currentTimeMillis()));
        Files.createDirectories(ARTIFACTS);
        // tickTime 500: sessions are checked for expiry every 250 ms, so a dead broker's 6 s session goes promptly.
        meerkat = Meerkat.start(ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(null)
                .withTickTime(500).withAdminServer(true, "127.0.0.1", 0)
                .withKafkaView(new KafkaViewConfig(true, true, 1000, 1000)));
        api = "http://127.0.0.1:" + meerkat.adminPort();
        zk = connect(meerkat.connectString());
        stream = new EventStreamReader(api + "/api/kafka/events", null);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (mainAdmin != null) mainAdmin.close(Duration.ofSeconds(5));
        List<KafkaBroker> all = new ArrayList<>(main.values());
        if (rootBroker != null) all.add(rootBroker);
        for (KafkaBroker b : all) b.killQuietly();
        if (browser != null) browser.close();
        if (stream != null) stream.close();
        if (zk != null) zk.close(1000);
        if (meerkat != null) meerkat.close();
        StringBuilder sb = new StringBuilder("# broker registry timings (ms), " + java.time.Instant.now() + "\n");
        timings.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "%-80s %10.1f%n", k, v)));
        Files.writeString(ARTIFACTS.resolve("timings.txt"), sb.toString());
        System.out.print(sb);
    }

    @Test
    @Order(1)
    void threeBrokersAndTheirControllerAreListedAndARootClusterBesideThem() throws Exception {
        for (int id = 1; id <= 3; id++) main.put(id, new KafkaBroker(id, meerkat.connectString() + MAIN, runDir, new Properties()));
        rootBroker = new KafkaBroker(10, meerkat.connectString(), runDir, new Properties());
        main.values().forEach(KafkaBroker::start);
        rootBroker.start();
        List<KafkaBroker> all = new ArrayList<>(main.values());
        all.add(rootBroker);
        awaitBrokers("four brokers start", Duration.ofSeconds(120), () -> all.stream().allMatch(KafkaBroker::isStarted), all);

        awaitBrokers("the API lists both clusters with their brokers and controllers", Duration.ofSeconds(30), () -> {
            JsonNode m = cluster(MAIN);
            JsonNode r = cluster(ROOT);
            return m != null && r != null && m.get("brokers").size() == 3 && r.get("brokers").size() == 1
                    && !m.get("controller").get("brokerId").isNull() && !r.get("controller").get("brokerId").isNull();
        }, all);
        JsonNode m = cluster(MAIN);
        assertThat(ids(m.get("brokers"))).containsExactly(1, 2, 3);
        assertThat(m.get("controller").get("brokerId").asInt()).isEqualTo(controllerInZk(MAIN));
        assertThat(m.get("controller").get("epoch").asInt()).isEqualTo(Integer.parseInt(data(MAIN + "/controller_epoch")));
        assertThat(m.get("clusterId").asText()).isEqualTo(JSON.readTree(data(MAIN + "/cluster/id")).get("id").asText());
        for (JsonNode b : m.get("brokers")) {
            int id = b.get("id").asInt();
            Stat stat = new Stat();
            zk.getData(MAIN + "/brokers/ids/" + id, false, stat);
            assertThat(b.get("epoch").asLong()).as("broker epoch = czxid").isEqualTo(stat.getCzxid());
            assertThat(b.get("registeredAt").asLong()).isEqualTo(stat.getCtime());
            assertThat(b.get("sessionId").asText()).isEqualTo("0x" + Long.toHexString(stat.getEphemeralOwner()));
            assertThat(b.get("endpoints").get(0).asText()).isEqualTo("PLAINTEXT://" + main.get(id).bootstrap());
        }
        JsonNode r = cluster(ROOT);
        assertThat(ids(r.get("brokers"))).containsExactly(10);
        assertThat(r.get("controller").get("brokerId").asInt()).isEqualTo(10);
        assertThat(r.get("clusterId").asText()).isNotEqualTo(m.get("clusterId").asText());

        awaitBrokers("the probe finds every broker reachable", Duration.ofSeconds(20), () -> {
            for (JsonNode c : clusters()) for (JsonNode b : c.get("brokers")) if (!b.get("reachable").asBoolean(false)) return false;
            return true;
        }, all);
        JsonNode probe = cluster(MAIN).get("brokers").get(0).get("probe");
        assertThat(probe.get("level").asText()).isEqualTo("api");
        timings.put("probe: one ApiVersions check, latency as measured by the probe", probe.get("latencyMs").asDouble());
        clusterUp = true;
    }

    @Test
    @Order(2)
    void topicsPartitionsAndMetersMatchWhatKafkaSays() throws Exception {
        assumeTrue(clusterUp, "the clusters are up");
        mainAdmin = admin(main.values());
        mainAdmin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all().get(30, TimeUnit.SECONDS);
        awaitBrokers("3 partitions with full ISRs in the API", Duration.ofSeconds(30), () -> {
            JsonNode t = get(topicsUrl(MAIN) + "/" + TOPIC);
            if (t == null || t.get("partitions").size() != 3) return false;
            for (JsonNode p : t.get("partitions")) if (p.get("isr").size() != 3 || p.get("leader").asInt() < 0) return false;
            return true;
        }, main.values());
        JsonNode t = get(topicsUrl(MAIN) + "/" + TOPIC);
        assertThat(t.get("replicationFactor").asInt()).isEqualTo(3);
        assertThat(t.get("config").get("min.insync.replicas").asText()).isEqualTo("2");
        for (JsonNode p : t.get("partitions")) {
            assertThat(p.get("minIsr").asInt()).isEqualTo(2);
            assertThat(p.get("underReplicated").asBoolean()).isFalse();
            assertThat(p.get("offline").asBoolean()).isFalse();
            JsonNode state = JSON.readTree(data(MAIN + "/brokers/topics/" + TOPIC + "/partitions/" + p.get("partition").asInt() + "/state"));
            assertThat(p.get("leader").asInt()).isEqualTo(state.get("leader").asInt());
        }
        // The same list, asked for with plain slashes instead of an encoded chroot.
        JsonNode all = get(api + "/api/kafka/clusters/kafka/main/topics");
        assertThat(all.findValuesAsText("name")).contains(TOPIC);
        assertThat(status(api + "/api/kafka/clusters/%2Fnowhere/topics")).isEqualTo(404);
        assertThat(status(topicsUrl(MAIN) + "/no-such-topic")).isEqualTo(404);
        assertThat(post(api + "/api/kafka/clusters")).as("read-only").isIn(404, 405);
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).as("nothing loaded from elsewhere").hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(page.body()).doesNotContain("http://", "https://").contains("/dashboard/dashboard.js");

        // By now every broker was checked a few times (every second): the warm cost of one check.
        List<Double> latencies = new ArrayList<>();
        for (JsonNode c : clusters()) for (JsonNode b : c.get("brokers")) latencies.add(b.get("probe").get("latencyMs").asDouble());
        latencies.sort(null);
        timings.put("probe: one warm ApiVersions check, median of the 4 brokers' latest", latencies.get(latencies.size() / 2));
        timings.put("probe: one warm ApiVersions check, slowest of the 4 brokers' latest", latencies.get(latencies.size() - 1));

        Map<String, Double> meters = scrape();
        assertThat(meters).containsEntry("kafka_brokers_registered{chroot=\"/kafka/main\"}", 3.0)
                .containsEntry("kafka_brokers_registered{chroot=\"/\"}", 1.0)
                .containsEntry("kafka_controller_id{chroot=\"/kafka/main\"}", (double) controllerInZk(MAIN))
                .containsEntry("kafka_partitions_under_replicated{chroot=\"/kafka/main\"}", 0.0)
                .containsEntry("kafka_partitions_offline{chroot=\"/kafka/main\"}", 0.0)
                .containsEntry("kafka_brokers_unreachable{chroot=\"/kafka/main\"}", 0.0);
        assertThat(meters.get("kafka_controller_epoch{chroot=\"/kafka/main\"}")).isGreaterThanOrEqualTo(1.0);

        // The stream told the story so far: clusters found, brokers registered, topic created.
        await("events on the stream").atMost(Duration.ofSeconds(10)).until(() -> stream.kafkaEvents().stream()
                .anyMatch(e -> e.data().get("type").asText().equals("TOPIC_CREATED") && TOPIC.equals(e.data().get("topic").asText())));
        assertThat(stream.contentType).startsWith("text/event-stream");
        assertThat(stream.kafkaEvents()).extracting(e -> e.data().get("type").asText()).contains("CLUSTER_APPEARED", "BROKER_REGISTERED");
    }

    @Test
    @Order(3)
    void everyKafkaZnodeDecodesAndIsKeptAsASample() throws Exception {
        assumeTrue(clusterUp, "the clusters are up");
        KafkaZnodeDecoder decoder = new KafkaZnodeDecoder();
        Path samples = ARTIFACTS.resolve("znode-samples");
        int decoded = 0;
        for (String chroot : List.of(MAIN, ROOT)) {
            for (String path : walk(chroot)) {
                List<KafkaPath> where = KafkaPaths.parse(path).stream().filter(p -> p.chroot().equals(chroot)).toList();
                if (where.isEmpty()) continue;
                byte[] bytes = zk.getData(path, false, null);
                // A znode can hold data and children: the data goes to <path>.json beside the children's directory.
                Path file = samples.resolve((chroot.equals(ROOT) ? "root" : "main") + path.substring(chroot.length() == 1 ? 0 : chroot.length()) + ".json");
                Files.createDirectories(file.getParent());
                if (bytes != null) Files.write(file, bytes);
                Decoded<?> d = decode(decoder, where.get(0), bytes);
                if (d == null) continue;
                assertThat(d).as(path + ": " + (bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8))).isInstanceOf(Decoded.Ok.class);
                decoded++;
            }
        }
        assertThat(decoded).as("broker, controller, cluster id, topics, partition states, configs").isGreaterThan(15);
    }

    @Test
    @Order(4)
    void thePageShowsBothClustersAndTheirBrokers() throws Exception {
        assumeTrue(clusterUp, "the clusters are up");
        assumeTrue(DashboardBrowser.available(), "Debian's chromium and chromium-driver are installed (.ci/run installs them)");
        browser = new DashboardBrowser(Files.createDirectories(runDir.resolve("chromium-profile")));
        browser.open(api + "/");
        await("the page shows the brokers").atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                browser.all("[data-chroot='/kafka/main'] tr.broker").size() == 3 && browser.all("[data-chroot='/'] tr.broker").size() == 1);
        assertThat(browser.attribute("#status", "data-state")).isEqualTo("live");
        assertThat(browser.attribute("[data-chroot='/kafka/main'] .controller", "data-controller-id"))
                .isEqualTo(Integer.toString(controllerInZk(MAIN)));
        browser.js("const s = document.getElementById('partition-cluster'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));", MAIN);
        await("the partition table is filled").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> browser.all("#partitions tr.partition[data-topic='" + TOPIC + "']").size() == 3);
        // The filter narrows the table to what matches.
        browser.js("const f = document.getElementById('partition-filter'); f.value = 'orders-1'; f.dispatchEvent(new Event('input'));");
        assertThat(browser.all("#partitions tr.partition")).hasSize(1);
        browser.js("const f = document.getElementById('partition-filter'); f.value = ''; f.dispatchEvent(new Event('input'));");
        assertThat(browser.all("[data-chroot='/kafka/main'] .count.bad")).as("nothing is wrong yet").isEmpty();
        browser.js("window.__sameDocument = 42;");
    }

    @Test
    @Order(5)
    void aKilledBrokerGoesFromTheApiThePageAndTheMetersWithinTheSessionTimeout() throws Exception {
        assumeTrue(clusterUp, "the clusters are up");
        int controller = controllerInZk(MAIN);
        KafkaBroker victim = main.values().stream().filter(b -> b.id != controller).findFirst().orElseThrow();
        long killedAt = System.currentTimeMillis();
        victim.kill();
        long deadline = killedAt + SESSION_TIMEOUT_MS + 1000;
        awaitBrokers("broker " + victim.id + " gone from the API within the session timeout + 1 s",
                Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis())),
                () -> !ids(cluster(MAIN).get("brokers")).contains(victim.id), main.values());
        long goneAt = System.currentTimeMillis();
        timings.put("kill -9 → gone from the API (session timeout 6000 ms)", (double) (goneAt - killedAt));

        await("an event says the broker's session expired").atMost(Duration.ofSeconds(5)).until(() -> goneEvent(victim.id) != null);
        JsonNode gone = goneEvent(victim.id);
        assertThat(gone.get("details").get("reason").asText()).isEqualTo("SESSION_EXPIRED");
        assertThat(gone.get("chroot").asText()).isEqualTo(MAIN);
        assertThat(gone.get("zxid").asLong()).isPositive();

        awaitBrokers("the RF 3 topic is under-replicated", Duration.ofSeconds(30),
                () -> cluster(MAIN).get("counts").get("underReplicated").asInt() == 3, main.values());
        assertThat(cluster(MAIN).get("counts").get("underMinIsr").asInt()).as("2 in sync, min 2").isZero();
        assertThat(cluster(MAIN).get("counts").get("offline").asInt()).isZero();
        Map<String, Double> meters = scrape();
        assertThat(meters).containsEntry("kafka_brokers_registered{chroot=\"/kafka/main\"}", 2.0)
                .containsEntry("kafka_partitions_under_replicated{chroot=\"/kafka/main\"}", 3.0)
                .containsEntry("kafka_broker_departures_total{chroot=\"/kafka/main\"}", 1.0)
                .containsEntry("kafka_broker_departures_total{chroot=\"/\"}", 0.0);
        assertThat(stream.kafkaEvents()).as("ISR shrink events").anyMatch(e -> e.data().get("type").asText().equals("ISR_SHRINK"));

        if (browser != null) {
            await("the page drops the broker without a reload").atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> browser.all("[data-chroot='/kafka/main'] tr.broker[data-broker-id='" + victim.id + "']").isEmpty());
            assertThat(browser.js("return window.__sameDocument;")).as("no reload").isEqualTo(42L);
            await("the page shows the partitions under-replicated in red").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> "3".equals(browser.text("[data-chroot='/kafka/main'] .count.bad[data-count='underReplicated'] .n")));
            await("the page's timeline says so").atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> !browser.all("#timeline li[data-type='BROKER_GONE']").isEmpty());
            long eventMs = gone.get("timeMs").asLong();
            Number shownAt = (Number) browser.js("const r = window.meerkatDashboard.renders.find(r => r.chroot === arguments[0] && "
                    + "!r.brokers.includes(arguments[1])); return r ? r.t : null;", MAIN, victim.id);
            assertThat(shownAt).isNotNull();
            timings.put("ephemeral gone (expiry entry stamped) → page shows the broker gone", (double) (shownAt.longValue() - eventMs));
            browser.screenshot(ARTIFACTS.resolve("dashboard.png"));
        }
    }

    @Test
    @Order(6)
    void killingTheControllerMovesIt() throws Exception {
        assumeTrue(clusterUp, "the clusters are up");
        JsonNode before = cluster(MAIN).get("controller");
        int oldController = before.get("brokerId").asInt();
        int oldEpoch = before.get("epoch").asInt();
        KafkaBroker controller = main.get(oldController);
        KafkaBroker survivor = main.values().stream().filter(b -> b.id != oldController && b.isAlive()).findFirst().orElseThrow();
        long killedAt = System.currentTimeMillis();
        controller.kill();
        awaitBrokers("the controller moves to broker " + survivor.id, Duration.ofSeconds(SESSION_TIMEOUT_MS / 1000 + 20), () -> {
            JsonNode c = cluster(MAIN).get("controller");
            return c.get("brokerId").asInt(-1) == survivor.id;
        }, List.of(survivor));
        timings.put("kill -9 of the controller → new controller in the API", (double) (System.currentTimeMillis() - killedAt));
        JsonNode after = cluster(MAIN).get("controller");
        assertThat(after.get("epoch").asInt()).isGreaterThan(oldEpoch);
        assertThat(ids(cluster(MAIN).get("brokers"))).containsExactly(survivor.id);
        await("a controller-changed event").atMost(Duration.ofSeconds(5)).until(() -> stream.kafkaEvents().stream().anyMatch(e ->
                e.data().get("type").asText().equals("CONTROLLER_CHANGED") && e.data().get("brokerId").asInt() == survivor.id
                        && e.data().get("details").get("from").asInt() == oldController));
        awaitBrokers("one in-sync replica left: under min ISR", Duration.ofSeconds(30),
                () -> cluster(MAIN).get("counts").get("underMinIsr").asInt() == 3, List.of(survivor));
        Map<String, Double> meters = scrape();
        assertThat(meters.get("kafka_controller_changes_total{chroot=\"/kafka/main\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(meters).containsEntry("kafka_controller_id{chroot=\"/kafka/main\"}", (double) survivor.id)
                .containsEntry("kafka_controller_epoch{chroot=\"/kafka/main\"}", after.get("epoch").asDouble())
                .containsEntry("kafka_broker_departures_total{chroot=\"/kafka/main\"}", 2.0);
        if (browser != null) {
            await("the page names the new controller").atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() ->
                    Integer.toString(survivor.id).equals(browser.attribute("[data-chroot='/kafka/main'] .controller", "data-controller-id")));
        }
    }

    @Test
    @Order(7)
    void theTwoClustersAreKeptApart() throws Exception {
        assumeTrue(clusterUp, "the clusters are up");
        JsonNode r = cluster(ROOT);
        assertThat(ids(r.get("brokers"))).containsExactly(10);
        assertThat(r.get("controller").get("brokerId").asInt()).isEqualTo(10);
        assertThat(r.get("counts").get("underReplicated").asInt()).isZero();
        assertThat(r.get("counts").get("topics").asInt()).as("no topic of /kafka/main shows at the root").isZero();
        assertThat(get(topicsUrl(ROOT)).findValuesAsText("name")).doesNotContain(TOPIC);
        List<String> rootEvents = stream.kafkaEvents().stream().filter(e -> e.data().get("chroot").asText().equals(ROOT))
                .map(e -> e.data().get("type").asText()).toList();
        assertThat(rootEvents).doesNotContain("BROKER_GONE", "TOPIC_CREATED", "ISR_SHRINK");
        assertThat(rootEvents).as("only the root cluster's first election").containsOnlyOnce("CONTROLLER_CHANGED");
        // Resume: a stream opened with Last-Event-ID gets only what came after it.
        List<EventStreamReader.Message> seen = stream.kafkaEvents();
        int mid = seen.size() / 2;
        try (EventStreamReader resumed = new EventStreamReader(api + "/api/kafka/events", seen.get(mid).id())) {
            await("the resumed stream catches up").atMost(Duration.ofSeconds(10))
                    .until(() -> resumed.kafkaEvents().size() >= seen.size() - mid - 1);
            assertThat(resumed.kafkaEvents().get(0).id()).isEqualTo(seen.get(mid + 1).id());
            assertThat(resumed.kafkaEvents()).extracting(EventStreamReader.Message::id)
                    .doesNotContainAnyElementsOf(seen.subList(0, mid + 1).stream().map(EventStreamReader.Message::id).toList());
        }
    }

    @Test
    @Order(8)
    void thePageSaysDisconnectedWhenTheServerStops() throws Exception {
        assumeTrue(browser != null, "the browser ran");
        browser.js("window.scrollTo(0, 0);");
        probeCost = meerkat.kafkaRegistry().probeCost();
        long stoppedAt = System.currentTimeMillis();
        meerkat.close();
        meerkat = null;
        await("the page shows the disconnected state").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> "disconnected".equals(browser.attribute("#status", "data-state")));
        timings.put("server stopped → page shows disconnected", (double) (System.currentTimeMillis() - stoppedAt));
        long[] cost = probeCost;
        timings.put("probe: ApiVersions checks run (4 brokers, every 1 s)", (double) cost[0]);
        timings.put("probe: mean wall time of one check (connect + ApiVersions round trip)", cost[0] == 0 ? Double.NaN : cost[1] / 1e6 / cost[0]);
        timings.put("probe: mean CPU time of one check on the probe thread (first includes class loading)", cost[0] == 0 ? Double.NaN : cost[2] / 1e6 / cost[0]);
        assertThat(browser.all("#banner").get(0).isDisplayed()).isTrue();
        assertThat(browser.text("#banner")).contains("Disconnected");
        browser.screenshot(ARTIFACTS.resolve("dashboard-disconnected.png"));
    }

    // ---- helpers -------------------------------------------------------------------------

    private JsonNode goneEvent(int brokerId) {
        return stream.kafkaEvents().stream().map(EventStreamReader.Message::data)
                .filter(e -> e.get("type").asText().equals("BROKER_GONE") && e.get("brokerId").asInt() == brokerId)
                .findFirst().orElse(null);
    }

    private static Decoded<?> decode(KafkaZnodeDecoder d, KafkaPath p, byte[] bytes) {
        return switch (p.kind()) {
            case BROKER -> d.broker(bytes);
            case CONTROLLER -> d.controller(bytes);
            case CONTROLLER_EPOCH -> d.controllerEpoch(bytes);
            case CLUSTER_ID -> d.clusterId(bytes);
            case TOPIC -> d.topic(bytes);
            case PARTITION_STATE -> d.partitionState(bytes);
            case TOPIC_CONFIG, BROKER_CONFIG -> d.config(bytes);
            case REASSIGNMENT -> d.reassignment(bytes);
            case ISR_CHANGE -> d.isrChange(bytes);
            case FEATURE -> d.feature(bytes);
            default -> null;
        };
    }

    private List<String> walk(String root) throws Exception {
        List<String> out = new ArrayList<>();
        List<String> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            if (p.equals("/zookeeper") || (root.equals(ROOT) && p.equals("/kafka"))) continue;
            out.add(p);
            for (String c : zk.getChildren(p, false)) todo.add(p.equals("/") ? "/" + c : p + "/" + c);
        }
        return out;
    }

    private String topicsUrl(String chroot) throws Exception {
        return api + cluster(chroot).get("topicsUrl").asText();
    }

    private JsonNode clusters() throws Exception {
        return get(api + "/api/kafka/clusters");
    }

    private JsonNode cluster(String chroot) throws Exception {
        for (JsonNode c : clusters()) if (c.get("chroot").asText().equals(chroot)) return c;
        return null;
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    private static int status(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int post(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<Integer> ids(JsonNode brokers) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode b : brokers) out.add(b.get("id").asInt());
        return out;
    }

    private static final Pattern SAMPLE = Pattern.compile("^(kafka_\\w+)\\{chroot=\"([^\"]*)\"[^}]*}\\s+(\\S+)$");

    /** The server's meters as Prometheus would scrape them, read back: {@code name{chroot="..."}} to value. */
    private Map<String, Double> scrape() {
        Map<String, Double> out = new HashMap<>();
        for (String line : meerkat.meters().scrape().split("\n")) {
            Matcher m = SAMPLE.matcher(line.trim());
            if (m.matches()) out.put(m.group(1) + "{chroot=\"" + m.group(2) + "\"}", Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private String data(String path) throws Exception {
        return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
    }

    private int controllerInZk(String chroot) throws Exception {
        return JSON.readTree(data((chroot.equals(ROOT) ? "" : chroot) + "/controller")).get("brokerid").asInt();
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper z = new ZooKeeper(connectString, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        assertThat(connected.await(15, TimeUnit.SECONDS)).as("connected to " + connectString).isTrue();
        return z;
    }

    private static Admin admin(java.util.Collection<KafkaBroker> brokers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.stream().map(KafkaBroker::bootstrap).collect(Collectors.joining(",")));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return Admin.create(p);
    }

    private static void awaitBrokers(String what, Duration atMost, Callable<Boolean> condition, java.util.Collection<KafkaBroker> brokers) {
        try {
            await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder(what + ": not within " + atMost);
            for (KafkaBroker b : brokers) {
                sb.append("\n---- ").append(b).append(b.isAlive() ? " (alive)" : " (dead)").append(", log ")
                        .append(b.logFile().toAbsolutePath()).append(":\n").append(b.tail(30));
            }
            throw new AssertionError(sb.toString(), e);
        }
    }
}
