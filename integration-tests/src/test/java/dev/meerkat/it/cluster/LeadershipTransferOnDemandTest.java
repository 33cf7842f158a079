package dev.meerkat.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meerkat.server.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Moving the leadership before maintenance: {@code meerkat transfer-leadership} and the
 * AdminServer's {@code transfer_leadership}, under a write load, with the mntr keys that report it.
 */
class LeadershipTransferOnDemandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void leadershipMovesWhereAskedWithoutLosingWrites() throws Exception {
        MeerkatEnsemble.Options options = MeerkatEnsemble.Options.of(3).withTickTime(1000)
                .withConfig("admin.enableServer=true", "admin.serverAddress=127.0.0.1", "admin.serverPort=0");
        try (MeerkatEnsemble e = MeerkatEnsemble.start(options, RunDirs.fresh("transfer-leadership"));
             WriteLoad load = new WriteLoad(e.connectString(), 3, 6000)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() > 50);
            int leader = e.leader();
            int target = leader % 3 + 1;
            int asked = target % 3 + 1; // the third server: neither the leader nor the target
            assertThat(asked).isNotIn(leader, target);

            // The command line, pointed at a follower's AdminServer.
            long t0 = System.nanoTime();
            int exit = new CommandLine(new Main()).execute("transfer-leadership",
                    "--admin", "http://127.0.0.1:" + e.adminPort(asked), "--to", Integer.toString(target));
            long t1 = System.nanoTime();
            assertThat(exit).isZero();
            assertThat(e.leader()).isEqualTo(target);
            long cliStallMs = load.longestStallMillis(t0, t1);

            // Like ZooKeeper's commands that change state, it wants the Authorization header.
            assertThat(post(e.adminPort(target), "target=0", "").statusCode()).isEqualTo(401);
            assertThat(e.leader()).isEqualTo(target);

            // The AdminServer, on the leader itself, with no target: the most up-to-date follower leads.
            long t2 = System.nanoTime();
            HttpResponse<String> moved = post(e.adminPort(target), "target=0");
            long t3 = System.nanoTime();
            assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(moved.body());
            int newLeader = body.get("leader_id").asInt();
            assertThat(newLeader).isNotEqualTo(target).isBetween(1, 3);
            assertThat(e.leader()).isEqualTo(newLeader);
            assertThat(body.get("took_ms").asLong()).isGreaterThanOrEqualTo(0);
            long httpStallMs = load.longestStallMillis(t2, t3);

            // A server that is not in the ensemble cannot lead: refused, the leader stays.
            HttpResponse<String> refused = post(e.adminPort(asked), "target=9");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(JSON.readTree(refused.body()).get("error").asText()).isNotBlank();
            HttpResponse<String> garbage = post(e.adminPort(asked), "target=one");
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(e.leader()).isEqualTo(newLeader);

            // Each request is counted by the server it was made to.
            assertThat(mntr(e, asked, "zk_meerkat_leadership_transfers_requested")).isEqualTo(2);
            assertThat(mntr(e, asked, "zk_meerkat_leadership_transfers_completed")).isEqualTo(1);
            assertThat(mntr(e, asked, "zk_meerkat_leadership_transfers_failed")).isEqualTo(1);
            assertThat(mntr(e, target, "zk_meerkat_leadership_transfers_requested")).isEqualTo(1);
            assertThat(mntr(e, target, "zk_meerkat_leadership_transfers_completed")).isEqualTo(1);
            assertThat(mntr(e, target, "zk_meerkat_last_leadership_transfer_ms")).isGreaterThanOrEqualTo(0);
            for (int id : e.ids()) assertThat(mntr(e, id, "zk_meerkat_leadership_transfer_in_progress")).isZero();

            int acks = load.ackCount();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() > acks + 50);
            load.stopWriting();
            assertThat(load.expired()).isZero();
            System.out.printf("[transfer-leadership] command line: longest write stall %d ms; AdminServer: %d ms%n", cliStallMs, httpStallMs);
        }
    }

    private static long mntr(MeerkatEnsemble e, int id, String key) {
        String value = e.mntr(id, key);
        assertThat(value).as("mntr of server %d has %s: %s", id, key, e.fourLetterWord(id, "mntr")).isNotNull();
        return Long.parseLong(value);
    }

    private static HttpResponse<String> post(int adminPort, String query) throws Exception {
        return post(adminPort, query, "ip");
    }

    private static HttpResponse<String> post(int adminPort, String query, String authorization) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/commands/transfer_leadership?" + query))
                .timeout(Duration.ofSeconds(30)).header("Authorization", authorization).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
