package dev.meerkat.wire.server;

import dev.meerkat.core.node.NodeStats;

import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * ZooKeeper's four-letter words: a connection whose first four bytes spell one gets a text answer
 * and is closed. Only whitelisted words are answered, as in ZooKeeper 3.5+.
 */
final class FourLetterWords {
    /** Every word ZooKeeper knows; an unknown one is just a (huge) frame length and is refused as such. */
    private static final Set<String> KNOWN = Set.of("ruok", "srvr", "stat", "mntr", "isro", "conf", "cons", "crst",
            "dump", "envi", "gtmk", "stmk", "srst", "wchc", "wchp", "wchs", "dirs", "hash");
    private static final Set<String> IMPLEMENTED = Set.of("ruok", "srvr", "stat", "mntr", "isro", "srst", "cons", "wchs");
    static final String VERSION = "3.9.5-meerkat-0.1.0";

    private final ZkServer server;

    FourLetterWords(ZkServer server) {
        this.server = server;
    }

    static boolean isCommand(String word) {
        return KNOWN.contains(word);
    }

    void answer(String word, ClientConnection asker, Consumer<String> reply) {
        if (!server.config().allows(word)) {
            reply.accept(word + " is not executed because it is not in the whitelist.\n");
            return;
        }
        if (!IMPLEMENTED.contains(word)) {
            reply.accept(word + " is not supported by Meerkat.\n");
            return;
        }
        switch (word) {
            case "ruok" -> reply.accept("imok");
            case "isro" -> reply.accept("rw");
            case "srst" -> {
                server.metrics().reset();
                reply.accept("Server stats reset.\n");
            }
            case "cons" -> {
                StringBuilder sb = new StringBuilder();
                for (ClientConnection c : server.connections()) sb.append(' ').append(c.describe()).append('\n');
                reply.accept(sb.append('\n').toString());
            }
            default -> {
                boolean offered = server.node().stats((stats, zxid) ->
                        asker.runOnContext(() -> reply.accept(format(word, stats))));
                if (!offered) reply.accept("This ZooKeeper instance is not currently serving requests\n");
            }
        }
    }

    private String format(String word, NodeStats s) {
        ServerMetrics m = server.metrics();
        double[] lat = m.latencyMs();
        String mode = "standalone";
        return switch (word) {
            case "mntr" -> "zk_version\t" + VERSION + "\n"
                    + "zk_server_state\t" + mode + "\n"
                    + "zk_avg_latency\t" + String.format(Locale.ROOT, "%.4f", lat[1]) + "\n"
                    + "zk_max_latency\t" + (long) lat[2] + "\n"
                    + "zk_min_latency\t" + (long) lat[0] + "\n"
                    + "zk_packets_received\t" + m.packetsReceived() + "\n"
                    + "zk_packets_sent\t" + m.packetsSent() + "\n"
                    + "zk_num_alive_connections\t" + m.connections() + "\n"
                    + "zk_outstanding_requests\t" + m.outstanding() + "\n"
                    + "zk_znode_count\t" + s.znodeCount() + "\n"
                    + "zk_watch_count\t" + s.watchCount() + "\n"
                    + "zk_ephemerals_count\t" + s.ephemeralCount() + "\n"
                    + "zk_approximate_data_size\t" + s.approximateDataSize() + "\n"
                    + "zk_global_sessions\t" + s.sessionCount() + "\n"
                    + "zk_last_zxid\t" + s.lastZxid() + "\n";
            case "stat" -> {
                StringBuilder sb = new StringBuilder("Zookeeper version: " + VERSION + ", built for Meerkat\nClients:\n");
                for (ClientConnection c : server.connections()) sb.append(' ').append(c.describe()).append('\n');
                sb.append('\n');
                yield sb + summary(s, m, lat, mode);
            }
            default -> "Zookeeper version: " + VERSION + ", built for Meerkat\n" + summary(s, m, lat, mode);
        };
    }

    private static String summary(NodeStats s, ServerMetrics m, double[] lat, String mode) {
        return String.format(Locale.ROOT, "Latency min/avg/max: %d/%.4f/%d%n", (long) lat[0], lat[1], (long) lat[2])
                + "Received: " + m.packetsReceived() + "\n"
                + "Sent: " + m.packetsSent() + "\n"
                + "Connections: " + m.connections() + "\n"
                + "Outstanding: " + m.outstanding() + "\n"
                + "Zxid: 0x" + Long.toHexString(s.lastZxid()) + "\n"
                + "Mode: " + mode + "\n"
                + "Node count: " + s.znodeCount() + "\n";
    }
}
