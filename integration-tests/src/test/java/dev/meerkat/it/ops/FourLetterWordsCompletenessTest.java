package dev.meerkat.it.ops;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every four-letter word, 100 times in a row, from a client that half-closes right after the word
 * (nc -q1, nc -N, ZooKeeper's FourLetterWordMain) and from one that keeps its socket open, on an empty
 * tree and on a tree of 200,000 znodes: every answer arrives, and arrives whole.
 */
class FourLetterWordsCompletenessTest {
    static final int TIMES = 100;

    private static final String CONNECTION = " /\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+\\[[0-9a-f]+\\]\\(queued=\\d+,recved=\\d+,sent=\\d+(,sid=0x[0-9a-f]+.*)?\\)";

    /** What a whole answer looks like, word by word. */
    static final Map<String, Predicate<String>> WHOLE = Map.ofEntries(
            Map.entry("ruok", s -> s.equals("imok")),
            Map.entry("isro", s -> s.equals("rw")),
            Map.entry("gtmk", s -> s.matches("\\d+")),
            Map.entry("stmk", s -> s.equals("256")),
            Map.entry("crst", s -> s.equals("Connection stats reset.\n")),
            Map.entry("srst", s -> s.equals("Server stats reset.\n")),
            Map.entry("srvr", s -> s.matches("(?s)Zookeeper version: [^\n]+\nLatency min/avg/max: \\d+/[\\d.E-]+/\\d+\nReceived: \\d+\nSent: \\d+\n"
                    + "Connections: \\d+\nOutstanding: \\d+\nZxid: 0x[0-9a-f]+\nMode: standalone\nNode count: \\d+\n")),
            Map.entry("stat", s -> s.matches("(?s)Zookeeper version: [^\n]+\nClients:\n(" + CONNECTION + "\n)+\nLatency.*\nNode count: \\d+\n")),
            Map.entry("cons", s -> s.matches("(?s)(" + CONNECTION + "\n)+\n")),
            Map.entry("conf", s -> s.lines().count() == 12 && s.startsWith("clientPort=") && s.endsWith("serverId=0\n")),
            Map.entry("envi", s -> s.startsWith("Environment:\nzookeeper.version=") && s.matches("(?s).*\nos\\.memory\\.total=\\d+MB\n")),
            Map.entry("dirs", s -> s.matches("datadir_size: \\d+\nlogdir_size: \\d+\n")),
            Map.entry("mntr", s -> s.startsWith("zk_version\t") && s.lines().count() >= 480 && s.matches("(?s).*\nzk_meerkat_last_snapshot_zxid\t-?\\d+\n")),
            Map.entry("wchs", s -> s.matches("\\d+ connections watching \\d+ paths\nTotal watches:\\d+\n")),
            Map.entry("wchc", s -> s.matches("(?s)(0x[0-9a-f]+\n(\t/[^\n]*\n)+)*\n")),
            Map.entry("wchp", s -> s.matches("(?s)(/[^\n]*\n(\t0x[0-9a-f]+\n)+)*\n")),
            Map.entry("dump", s -> s.startsWith("SessionTracker dump:\nSession Sets (") && s.contains("\nephemeral nodes dump:\nSessions with Ephemerals (")
                    && s.matches("(?s).*\nConnections dump:\nConnections Sets \\(\\d+\\)/\\(\\d+\\):\n.*\tip: /[^\n]+ sessionId: 0x[0-9a-f]+\n")),
            Map.entry("hash", s -> s.matches("([0-9a-f]+: -?\\d+\n)*")));

    @Test
    void emptyTree() throws Exception {
        try (Meerkat meerkat = Meerkat.embedded()) {
            everyWordWhole(meerkat);
        }
    }

    @Test
    void treeOf200000Znodes() throws Exception {
        try (Meerkat meerkat = Meerkat.embedded()) {
            ZooKeeper zk = Workload.run(meerkat.connectString());
            try {
                Trees.fill(zk, 200_000);
                assertThat(meerkat.node().stats().znodeCount()).isGreaterThanOrEqualTo(200_000);
                everyWordWhole(meerkat);
                assertThat(FourLetterClient.ask(meerkat.port(), "srvr", true)).contains("Node count: " + (meerkat.node().stats().znodeCount() + 1) + "\n");
                assertThat(FourLetterClient.ask(meerkat.port(), "hash", true)).isNotEmpty();
            } finally {
                zk.close();
            }
        }
    }

    private static void everyWordWhole(Meerkat meerkat) throws Exception {
        assertThat(WHOLE.keySet()).containsExactlyInAnyOrderElementsOf(OperationsDifferentialTest.WORDS);
        for (String word : OperationsDifferentialTest.WORDS) {
            for (boolean halfClose : List.of(true, false)) {
                for (int i = 0; i < TIMES; i++) {
                    String answer = FourLetterClient.ask(meerkat.port(), word, halfClose);
                    assertThat(answer).as("%s #%d (%s)", word, i, halfClose ? "half-closed" : "kept open")
                            .matches(WHOLE.get(word));
                }
            }
        }
    }
}
