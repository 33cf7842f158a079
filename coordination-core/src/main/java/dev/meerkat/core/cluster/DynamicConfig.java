package dev.meerkat.core.cluster;

import dev.meerkat.core.raft.Membership;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ensemble as ZooKeeper's dynamic configuration describes it: one line per server and a
 * version, the text clients read from {@code /zookeeper/config}. Participants are Raft voters,
 * observers Raft learners, so the text and the Raft membership always say the same thing (a server
 * that is catching up before it may vote shows as an observer meanwhile).
 *
 * @param servers every server, by id
 * @param version the zxid of the log entry that made this configuration; 0 for the one read from zoo.cfg
 */
public record DynamicConfig(Map<Long, ServerSpec> servers, long version) {

    public DynamicConfig {
        servers = Collections.unmodifiableMap(new TreeMap<>(servers));
        for (Map.Entry<Long, ServerSpec> e : servers.entrySet()) {
            if (e.getKey() != e.getValue().id()) throw new IllegalArgumentException("server " + e.getValue() + " filed under " + e.getKey());
        }
    }

    public static DynamicConfig of(Collection<ServerSpec> servers, long version) {
        Map<Long, ServerSpec> byId = new TreeMap<>();
        for (ServerSpec s : servers) {
            if (byId.put(s.id(), s) != null) throw new IllegalArgumentException("server." + s.id() + " is given twice");
        }
        return new DynamicConfig(byId, version);
    }

    public DynamicConfig withVersion(long v) {
        return new DynamicConfig(servers, v);
    }

    public Membership membership() {
        Set<Long> voters = new HashSet<>();
        Set<Long> learners = new HashSet<>();
        for (ServerSpec s : servers.values()) (s.observer() ? learners : voters).add(s.id());
        return new Membership(voters, learners);
    }

    public boolean isVoter(long id) {
        ServerSpec s = servers.get(id);
        return s != null && !s.observer();
    }

    /** The server lines alone, as in a dynamic configuration file without its version. */
    public String serverLines() {
        StringBuilder b = new StringBuilder();
        for (ServerSpec s : servers.values()) b.append("server.").append(s.id()).append('=').append(s.describe()).append('\n');
        return b.toString();
    }

    /** Exactly what ZooKeeper keeps in {@code /zookeeper/config}: the lines, then {@code version=} in hex. */
    public String text() {
        return serverLines() + "version=" + Long.toHexString(version);
    }

    public byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    /** Same servers, same addresses and roles; versions may differ. */
    public boolean sameServers(DynamicConfig other) {
        return servers.equals(other.servers);
    }

    /**
     * Reads the {@code /zookeeper/config} text (or a dynamic configuration file): server lines and
     * an optional {@code version=} line in hex; blank lines and # comments are skipped.
     *
     * @throws ServerLine.Malformed naming the line that is wrong
     */
    public static DynamicConfig parse(String text) {
        Map<Long, ServerSpec> servers = new TreeMap<>();
        long version = 0;
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            if (eq < 0) throw new ServerLine.Malformed("line " + lineNo + ": '" + line + "' is not key=value");
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            if (key.equals("version")) {
                try {
                    version = Long.parseUnsignedLong(value, 16);
                } catch (NumberFormatException e) {
                    throw new ServerLine.Malformed("line " + lineNo + ": version must be hexadecimal, not '" + value + "'");
                }
                continue;
            }
            try {
                ServerSpec s = ServerLine.parse(key, value);
                if (servers.put(s.id(), s) != null) throw new ServerLine.Malformed("server." + s.id() + " is given twice");
            } catch (ServerLine.Malformed e) {
                throw new ServerLine.Malformed("line " + lineNo + ": " + e.getMessage());
            }
        }
        return new DynamicConfig(servers, version);
    }

    @Override
    public String toString() {
        return text().replace('\n', ' ');
    }
}
