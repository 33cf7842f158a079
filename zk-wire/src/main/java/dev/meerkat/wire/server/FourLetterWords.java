package dev.meerkat.wire.server;

import dev.meerkat.core.stats.DigestLog;
import dev.meerkat.core.stats.Inspection;
import dev.meerkat.core.stats.Inspections;
import dev.meerkat.core.stats.QuorumView;
import dev.meerkat.core.stats.TreeStats;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * ZooKeeper 3.9's four-letter words: a connection whose first four bytes spell one gets a text
 * answer in ZooKeeper's exact shape, and is closed. Only whitelisted words run, as in ZooKeeper.
 *
 * <p>Every answer but three comes at once, on the asking connection's event loop, from numbers
 * that are kept as they change and published (the node's {@link TreeStats}, the client port's
 * {@link ServerMetrics}, the server's {@link ServerFacts}): no word walks the tree or waits for the
 * tree thread. wchc, wchp and dump are listings of watches and sessions; they hop to the tree thread,
 * which walks those indexes (their size, never the tree's).
 */
final class FourLetterWords {
    /** Every word ZooKeeper 3.9 knows. An unknown one is just a (huge) frame length and is refused as such. */
    static final Set<String> KNOWN = Set.of("conf", "cons", "crst", "dump", "envi", "ruok", "srst", "srvr", "stat", "wchs",
            "wchc", "wchp", "mntr", "isro", "dirs", "hash", "gtmk", "stmk");
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n";
    /** ZooTrace's default text trace mask (CLIENT_REQUEST | SERVER_PACKET | CLIENT_PING | WARNING ...). */
    static final long DEFAULT_TRACE_MASK = 306;

    private final ZkServer server;
    private final Environment environment = new Environment();
    private volatile long traceMask = DEFAULT_TRACE_MASK;

    FourLetterWords(ZkServer server) {
        this.server = server;
    }

    static boolean isCommand(String word) {
        return KNOWN.contains(word);
    }

    /** ZooKeeper's rule: listed words, all of them for "*", and srvr always (zkServer.sh needs it). */
    boolean allowed(String word) {
        return word.equals("srvr") || server.config().allows(word);
    }

    long traceMask() {
        return traceMask;
    }

    Environment environment() {
        return environment;
    }

    /** stmk: the eight bytes after the word are the new mask; the answer is the mask. */
    String setTraceMask(long mask) {
        traceMask = mask;
        return Long.toString(mask);
    }

    /** Answers {@code word} through {@code reply} (at once, or for the three listings after a hop). */
    void answer(String word, Executor home, Consumer<String> reply) {
        if (!allowed(word)) {
            reply.accept(word + " is not executed because it is not in the whitelist.\n");
            return;
        }
        // A server without its quorum (or stopped) serves nothing: it says so, as ZooKeeper does
        // while it is not running. ruok, whose silence means "not ok", stays silent then.
        boolean readOnly = server.node().isReadOnly();
        boolean serving = server.node().isServing() || readOnly;
        if (!serving && !word.equals("ruok") && !word.equals("envi") && !word.equals("gtmk")) {
            reply.accept(word.equals("isro") ? "null" : word.equals("hash") ? NOT_SERVING.strip() : NOT_SERVING);
            return;
        }
        switch (word) {
            case "ruok" -> reply.accept(serving ? "imok" : "");
            case "isro" -> reply.accept(readOnly ? "ro" : "rw");
            case "gtmk" -> reply.accept(Long.toString(traceMask));
            case "srst" -> {
                server.metrics().reset();
                reply.accept("Server stats reset.\n");
            }
            case "crst" -> {
                server.resetConnectionStats();
                reply.accept("Connection stats reset.\n");
            }
            case "srvr" -> reply.accept(versionLine() + summary(server.node().stats()));
            case "stat" -> reply.accept(stat());
            case "cons" -> reply.accept(cons());
            case "conf" -> reply.accept(lines(server.facts().conf()));
            case "envi" -> reply.accept(envi());
            case "dirs" -> reply.accept("datadir_size: " + server.facts().dataDirSize() + "\nlogdir_size: " + server.facts().logDirSize() + "\n");
            case "mntr" -> reply.accept(mntr());
            case "wchs" -> reply.accept(wchs(server.node().stats()));
            case "hash" -> reply.accept(hash(server.node().stats()));
            case "wchc" -> hop(Inspections.dataWatchesBySession(), FourLetterWords::wchc, home, reply);
            case "wchp" -> hop(Inspections.dataWatchesByPath(), FourLetterWords::wchp, home, reply);
            case "dump" -> hop(Inspections.sessions(), this::dump, home, reply);
            default -> throw new IllegalStateException("known word without an answer: " + word);
        }
    }

    private <T> void hop(Inspection<T> inspection, Function<T, String> format, Executor home, Consumer<String> reply) {
        // Formatting happens back on the event loop: the tree thread only copies the index out.
        boolean offered = server.node().inspect(inspection, (result, zxid) -> home.execute(() -> reply.accept(format.apply(result))));
        if (!offered) reply.accept(NOT_SERVING);
    }

    private static String versionLine() {
        return "Zookeeper version: " + Versions.FULL + "\n";
    }

    /** ZooKeeper's ServerStats.toString() followed by the node count. */
    private String summary(TreeStats s) {
        ServerMetrics m = server.metrics();
        QuorumView q = server.quorum();
        return "Latency min/avg/max: " + m.minLatencyMs() + "/" + m.avgLatencyMs() + "/" + m.maxLatencyMs() + "\n"
                + "Received: " + m.packetsReceived() + "\n"
                + "Sent: " + m.packetsSent() + "\n"
                + "Connections: " + m.connections() + "\n"
                + "Outstanding: " + m.outstanding() + "\n"
                + "Zxid: 0x" + Long.toHexString(s.lastZxid()) + "\n"
                + "Mode: " + q.mode().word() + "\n"
                + "Node count: " + zooKeeperNodeCount(s) + "\n";
    }

    /**
     * The node count as ZooKeeper reports it: its tree holds the root under both "" and "/", so it
     * counts one more than there are znodes (5 on a fresh server). Matched so numbers compare.
     */
    static long zooKeeperNodeCount(TreeStats s) {
        return s.znodeCount() + 1L;
    }

    private String stat() {
        StringBuilder sb = new StringBuilder(versionLine()).append("Clients:\n");
        for (ConnectionInfo c : server.connectionInfos()) sb.append(c.describe(true)).append('\n');
        sb.append('\n');
        return sb.append(summary(server.node().stats())).toString();
    }

    private String cons() {
        StringBuilder sb = new StringBuilder();
        for (ConnectionInfo c : server.connectionInfos()) sb.append(c.describe(false)).append('\n');
        return sb.append('\n').toString();
    }

    private String envi() {
        StringBuilder sb = new StringBuilder("Environment:\n");
        for (Map.Entry<String, String> e : environment.list()) sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        return sb.toString();
    }

    private String mntr() {
        StringBuilder sb = new StringBuilder();
        line(sb, "version", Versions.FULL);
        line(sb, "server_state", server.quorum().mode().word());
        server.facts().monitor((k, v) -> line(sb, k, v));
        return sb.toString();
    }

    /** ZooKeeper's MonitorCommand.print: integers as integers, other numbers as doubles. */
    private static void line(StringBuilder sb, String key, Object value) {
        sb.append("zk_").append(key).append('\t');
        if (value == null) sb.append("null");
        else if (value instanceof Long || value instanceof Integer) sb.append(value);
        else if (value instanceof Number n) sb.append(n.doubleValue());
        else sb.append(value);
        sb.append('\n');
    }

    private static String wchs(TreeStats s) {
        return s.dataWatchers() + " connections watching " + s.dataWatchPaths() + " paths\nTotal watches:" + s.dataWatches() + "\n";
    }

    private static String hash(TreeStats s) {
        StringBuilder sb = new StringBuilder();
        for (DigestLog.ZxidDigest d : s.digestLog()) sb.append(Long.toHexString(d.zxid())).append(": ").append(d.digest()).append('\n');
        return sb.toString();
    }

    private static String wchc(Map<Long, List<String>> bySession) {
        StringBuilder sb = new StringBuilder();
        bySession.forEach((id, paths) -> {
            sb.append("0x").append(Long.toHexString(id)).append('\n');
            for (String p : paths) sb.append('\t').append(p).append('\n');
        });
        return sb.append('\n').toString();
    }

    private static String wchp(Map<String, List<Long>> byPath) {
        StringBuilder sb = new StringBuilder();
        byPath.forEach((path, ids) -> {
            sb.append(path).append('\n');
            for (long id : ids) sb.append("\t0x").append(Long.toHexString(id)).append('\n');
        });
        return sb.append('\n').toString();
    }

    private String dump(List<Inspections.SessionEntry> sessions) {
        StringBuilder sb = new StringBuilder("SessionTracker dump:\nSession ");
        Map<Long, List<Long>> byExpiry = SessionExpiry.byExpiry(sessions, server.tickMs());
        sets(sb, byExpiry, sessions.size(), (Long id) -> "0x" + Long.toHexString(id));
        sb.append("ephemeral nodes dump:\n");
        List<Inspections.SessionEntry> withEphemerals = new ArrayList<>();
        for (Inspections.SessionEntry s : sessions) if (!s.ephemerals().isEmpty()) withEphemerals.add(s);
        sb.append("Sessions with Ephemerals (").append(withEphemerals.size()).append("):\n");
        for (Inspections.SessionEntry s : withEphemerals) {
            sb.append("0x").append(Long.toHexString(s.id())).append(":\n");
            for (String p : s.ephemerals()) sb.append('\t').append(p).append('\n');
        }
        sb.append("Connections dump:\nConnections ");
        List<ConnectionInfo> connections = server.connectionInfos();
        Map<Long, List<ConnectionInfo>> connectionSets = new TreeMap<>();
        long now = System.currentTimeMillis();
        for (ConnectionInfo c : connections) {
            long timeout = c.sessionTimeoutMs() > 0 ? c.sessionTimeoutMs() : server.tickMs();
            connectionSets.computeIfAbsent(SessionExpiry.roundUp(now + timeout, server.tickMs()), t -> new ArrayList<>()).add(c);
        }
        sets(sb, connectionSets, connections.size(), c -> "ip: /" + c.remoteAddress() + " sessionId: 0x" + Long.toHexString(c.sessionId()));
        return sb.toString();
    }

    /** ZooKeeper's ExpiryQueue.dump: "Sets (buckets)/(elements):", then each bucket by time. */
    private static <E> void sets(StringBuilder sb, Map<Long, List<E>> byTime, int total, Function<E, String> name) {
        sb.append("Sets (").append(byTime.size()).append(")/(").append(total).append("):\n");
        byTime.forEach((time, elems) -> {
            sb.append(elems.size()).append(" expire at ").append(new Date(time)).append(":\n");
            for (E e : elems) sb.append('\t').append(name.apply(e)).append('\n');
        });
    }

    private static String lines(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l).append('\n');
        return sb.toString();
    }
}
