package dev.meerkat.core.cluster;

import dev.meerkat.core.raft.Membership;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Who is in the ensemble and which one this server is. A server without {@code server.N} lines is
 * a cluster of one ({@link #standalone()}): the same Raft log, commit and apply path, no peers.
 */
public final class ClusterConfig {
    private final long myId;
    private final Map<Long, ServerSpec> servers;
    private final boolean standalone;
    private final boolean reconfigEnabled;
    private final int catchUpMs;
    private final boolean readOnlyMode;
    private int bindPeerPort = -1;

    private ClusterConfig(long myId, Map<Long, ServerSpec> servers, boolean standalone) {
        this(myId, servers, standalone, false, 20_000, false);
    }

    private ClusterConfig(long myId, Map<Long, ServerSpec> servers, boolean standalone, boolean reconfigEnabled, int catchUpMs,
                          boolean readOnlyMode) {
        this.myId = myId;
        this.servers = Collections.unmodifiableMap(servers);
        this.standalone = standalone;
        this.reconfigEnabled = reconfigEnabled;
        this.catchUpMs = catchUpMs;
        this.readOnlyMode = readOnlyMode;
        if (!servers.containsKey(myId)) throw new IllegalArgumentException("server " + myId + " is not in the ensemble " + servers.keySet());
        if (membership().voters().isEmpty()) throw new IllegalArgumentException("an ensemble needs at least one participant");
    }

    /** A single server: id 1, no peers. */
    public static ClusterConfig standalone() {
        Map<Long, ServerSpec> one = new TreeMap<>();
        one.put(1L, new ServerSpec(1, "127.0.0.1", 0, 0, false, null, -1));
        return new ClusterConfig(1, one, true);
    }

    public static ClusterConfig of(long myId, List<ServerSpec> servers) {
        Map<Long, ServerSpec> byId = new TreeMap<>();
        for (ServerSpec s : servers) {
            if (byId.put(s.id(), s) != null) throw new IllegalArgumentException("server." + s.id() + " is given twice");
        }
        return new ClusterConfig(myId, byId, false);
    }

    /**
     * ZooKeeper's reconfigEnabled: the configuration lives in the log and changes with reconfig
     * requests; peers whose server lists differ from this file's are then expected, not refused.
     *
     * @param catchUpMs how long a joining server may take to catch up before it is promoted anyway
     *                  (ZooKeeper's initLimit in milliseconds)
     */
    public ClusterConfig withReconfig(boolean enabled, int catchUpMs) {
        ClusterConfig c = new ClusterConfig(myId, new TreeMap<>(servers), standalone, enabled, catchUpMs, readOnlyMode);
        c.bindPeerPort = bindPeerPort;
        return c;
    }

    /**
     * ZooKeeper's readonlymode.enabled: a server cut off from its quorum keeps answering reads from
     * clients that said they accept a read-only server, and refuses their writes with NOT_READONLY.
     */
    public ClusterConfig withReadOnlyMode(boolean enabled) {
        ClusterConfig c = new ClusterConfig(myId, new TreeMap<>(servers), standalone, reconfigEnabled, catchUpMs, enabled);
        c.bindPeerPort = bindPeerPort;
        return c;
    }

    /**
     * Binds the peer port at {@code port} (0: any free one) while the server's line, which the others
     * use to reach it, keeps its address: for a server behind a relay, a NAT or a container port map.
     */
    public ClusterConfig withBindPeerPort(int port) {
        ClusterConfig c = new ClusterConfig(myId, new TreeMap<>(servers), standalone, reconfigEnabled, catchUpMs, readOnlyMode);
        c.bindPeerPort = port;
        return c;
    }

    /** The port the peer transport binds: the line's, unless {@link #withBindPeerPort} said otherwise. */
    public int bindPeerPort() {
        return bindPeerPort >= 0 ? bindPeerPort : self().peerPort();
    }

    public boolean readOnlyModeEnabled() {
        return readOnlyMode && !standalone;
    }

    public boolean reconfigEnabled() {
        return reconfigEnabled;
    }

    public int catchUpMs() {
        return catchUpMs;
    }

    public long myId() {
        return myId;
    }

    /** True for a server configured without {@code server.N} lines. */
    public boolean isStandalone() {
        return standalone;
    }

    public ServerSpec self() {
        return servers.get(myId);
    }

    public ServerSpec server(long id) {
        return servers.get(id);
    }

    /** Every server, by id. */
    public Map<Long, ServerSpec> servers() {
        return servers;
    }

    /** The other servers this one talks to. */
    public List<ServerSpec> peers() {
        List<ServerSpec> peers = new ArrayList<>();
        for (ServerSpec s : servers.values()) if (s.id() != myId) peers.add(s);
        return peers;
    }

    public boolean isObserver() {
        return self().observer();
    }

    /** Participants vote; observers are Raft learners. */
    public Membership membership() {
        Set<Long> voters = new HashSet<>();
        Set<Long> learners = new HashSet<>();
        for (ServerSpec s : servers.values()) (s.observer() ? learners : voters).add(s.id());
        return new Membership(voters, learners);
    }

    /**
     * What two servers must agree on to be one ensemble: the ids and which of them vote. Addresses
     * are left out on purpose: the same server may be reached under different names (DNS, NAT, a
     * proxy), and a wrong address cannot cause two leaders, only a link that never comes up.
     */
    public String quorumShape() {
        StringBuilder b = new StringBuilder();
        for (ServerSpec s : servers.values()) {
            if (b.length() > 0) b.append(',');
            b.append(s.id()).append(s.observer() ? ":observer" : ":participant");
        }
        return b.toString();
    }

    /** A short checksum of {@link #quorumShape()}, exchanged when peers first talk. */
    public long quorumFingerprint() {
        CRC32C crc = new CRC32C();
        crc.update(quorumShape().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    @Override
    public String toString() {
        return standalone ? "standalone" : "server " + myId + " of " + quorumShape();
    }
}
