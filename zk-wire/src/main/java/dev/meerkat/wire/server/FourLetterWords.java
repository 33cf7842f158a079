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
        boolean serving = server.node().isServing();
        switch (word) {
            // ZooKeeper's ruok says nothing at all when the server is not fine; a server without a
            // quorum is not fine, whatever ZooKeeper says in that state.
            case "ruok" -> reply.accept(serving ? "imok" : "");
            // A server that lost its quorum serves nothing (read-only mode is not enabled): "null", as ZooKeeper answers.
            case "isro" -> reply.accept(serving ? "rw" : "null");
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
                if (!serving && !word.equals("mntr")) {
                    reply.accept("This ZooKeeper instance is not currently serving requests\n");
                    return;
                }
                boolean offered = server.node().stats((stats, zxid) ->
                        asker.runOnContext(() -> reply.accept(format(word, stats))));
                if (!offered) reply.accept("This ZooKeeper instance is not currently serving requests\n");
            }
        }
    }

    private String format(String word, NodeStats s) {
        ServerMetrics m = server.metrics();
        double[] lat = m.latencyMs();
        dev.meerkat.core.node.ClusterStatus cs = server.node().status();
        String mode = cs.mode();
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
                    + "zk_last_zxid\t" + s.lastZxid() + "\n"
                    + "meerkat_handshake_timeouts\t" + m.handshakeTimeouts() + "\n"
                    + "meerkat_outbound_limit_disconnects\t" + m.outboundLimitDisconnects() + "\n"
                    + "meerkat_connections_refused_max_cnxns\t" + m.connectionsRefusedTotal() + "\n"
                    + "meerkat_connections_refused_max_client_cnxns\t" + m.connectionsRefusedPerAddress() + "\n"
                    + "meerkat_throttle_events\t" + m.throttleEvents() + "\n"
                    + "meerkat_watches_refused\t" + m.watchesRefused() + "\n"
                    + "meerkat_multis_refused\t" + m.multisRefused() + "\n"
                    + "meerkat_auth_failures\t" + m.authFailures() + "\n"
                    + "meerkat_tls_failures\t" + m.tlsHandshakeFailures() + "\n"
                    + quorumKeys(cs);
            case "stat" -> {
                StringBuilder sb = new StringBuilder("Zookeeper version: " + VERSION + ", built for Meerkat\nClients:\n");
                for (ClientConnection c : server.connections()) sb.append(' ').append(c.describe()).append('\n');
                sb.append('\n');
                yield sb + summary(s, m, lat, mode);
            }
            default -> "Zookeeper version: " + VERSION + ", built for Meerkat\n" + summary(s, m, lat, mode);
        };
    }

    /** mntr's ensemble keys, as ZooKeeper names them, then Meerkat's Raft facts. */
    private static String quorumKeys(dev.meerkat.core.node.ClusterStatus cs) {
        StringBuilder b = new StringBuilder();
        if (cs.mode().equals("leader")) {
            long followers = cs.peers().stream().filter(p -> !p.observer()).count();
            long synced = cs.peers().stream().filter(p -> !p.observer() && p.active()).count();
            long observers = cs.peers().stream().filter(p -> p.observer() && p.active()).count();
            b.append("zk_learners\t").append(cs.peers().stream().filter(p -> p.active()).count()).append('\n')
                    .append("zk_followers\t").append(followers).append('\n')
                    .append("zk_synced_followers\t").append(synced).append('\n')
                    .append("zk_synced_non_voting_followers\t0\n")
                    .append("zk_synced_observers\t").append(observers).append('\n')
                    .append("zk_pending_syncs\t").append(cs.pendingSyncs()).append('\n');
        }
        String peerState = switch (cs.mode()) {
            case "leader" -> "leading - broadcast";
            case "follower" -> "following - broadcast";
            case "observer" -> "observing - broadcast";
            case "standalone" -> "standalone";
            default -> "looking";
        };
        b.append("zk_peer_state\t").append(peerState).append('\n')
                .append("meerkat_server_id\t").append(cs.myId()).append('\n')
                .append("meerkat_leader_id\t").append(cs.leaderId()).append('\n')
                .append("meerkat_raft_term\t").append(cs.term()).append('\n')
                .append("meerkat_raft_commit_index\t").append(cs.commitIndex()).append('\n')
                .append("meerkat_raft_last_index\t").append(cs.lastIndex()).append('\n')
                .append("meerkat_serving\t").append(cs.serving() ? 1 : 0).append('\n');
        for (var p : cs.peers()) {
            b.append("meerkat_peer_lag{server=\"").append(p.id()).append("\"}\t").append(p.lag()).append('\n');
        }
        return b.toString();
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
