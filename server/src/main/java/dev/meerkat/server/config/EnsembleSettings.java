package dev.meerkat.server.config;

import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.ServerSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The ensemble part of a configuration: the {@code server.N} lines, this server's id (from
 * {@code myid} in the data directory, as ZooKeeper reads it), and the timing of elections.
 *
 * @param servers           the {@code server.N} lines; empty for a single server
 * @param observer          {@code peerType=observer}
 * @param initLimit         ZooKeeper's initLimit (ticks): accepted and checked
 * @param syncLimit         ZooKeeper's syncLimit (ticks): accepted and checked
 * @param listenOnAllIps    quorumListenOnAllIPs
 * @param standaloneEnabled a single {@code server.N} line runs a standalone server (ZooKeeper's default)
 * @param raftTickMs        {@code meerkat.raftTickMs}: the heartbeat interval
 * @param electionTicks     {@code meerkat.electionTicks}: ticks without a leader before an election
 * @param linearizableReads {@code meerkat.linearizableReads}: every read waits for the leader's read index
 * @param reconfigEnabled   ZooKeeper's reconfigEnabled: the ensemble can be changed with reconfig
 * @param readOnlyModeEnabled ZooKeeper's readonlymode.enabled (also read as a system property): a
 *                          server cut off from its quorum keeps serving reads to clients that allow it
 * @param peerBindPort      the peer port to bind when it is not the one on this server's line (Main's --peer-port), or -1
 */
public record EnsembleSettings(List<ServerSpec> servers, boolean observer, int initLimit, int syncLimit,
                               boolean listenOnAllIps, boolean standaloneEnabled, int raftTickMs, int electionTicks,
                               boolean linearizableReads, boolean reconfigEnabled, boolean readOnlyModeEnabled,
                               int peerBindPort) {

    public static EnsembleSettings none() {
        return new EnsembleSettings(List.of(), false, 10, 5, false, true, 50, 20, false, false,
                Boolean.getBoolean("readonlymode.enabled"), -1);
    }

    public EnsembleSettings {
        servers = List.copyOf(servers);
    }

    /** Binds the peer port at {@code port} (0: any free one) whatever this server's line says; -1: as the line says. */
    public EnsembleSettings withPeerBindPort(int port) {
        return new EnsembleSettings(servers, observer, initLimit, syncLimit, listenOnAllIps, standaloneEnabled, raftTickMs,
                electionTicks, linearizableReads, reconfigEnabled, readOnlyModeEnabled, port);
    }

    /** Whether this configuration describes several servers working as one. */
    public boolean isEnsemble() {
        return servers.size() > 1 || (servers.size() == 1 && !standaloneEnabled);
    }

    /**
     * The cluster this server belongs to, reading its id from {@code dataDir/myid} for an ensemble.
     *
     * @throws ConfigException when myid is missing, malformed, or names no configured server
     */
    public ClusterConfig cluster(Path dataDir) {
        if (!isEnsemble()) return ClusterConfig.standalone();
        if (dataDir == null) throw new ConfigException("an ensemble (server.N lines) needs a dataDir holding this server's myid file");
        long myId = readMyId(dataDir.resolve("myid"));
        ServerSpec self = null;
        for (ServerSpec s : servers) if (s.id() == myId) self = s;
        if (self == null) {
            throw new ConfigException(dataDir.resolve("myid") + " says this is server " + myId + ", but there is no server." + myId
                    + " line (the ensemble has servers " + servers.stream().map(ServerSpec::id).toList() + ")");
        }
        // With reconfig on, a server's role is what its line (or the log) says: a reconfig may change it.
        if (!reconfigEnabled && observer && !self.observer()) {
            throw new ConfigException("peerType=observer, but server." + myId + " is not marked :observer; every server must see it as an observer");
        }
        if (!reconfigEnabled && !observer && self.observer()) {
            throw new ConfigException("server." + myId + " is marked :observer: set peerType=observer in its configuration too");
        }
        ClusterConfig cluster = ClusterConfig.of(myId, servers);
        return peerBindPort >= 0 ? cluster.withBindPeerPort(peerBindPort) : cluster;
    }

    static long readMyId(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + " is missing: each server of an ensemble needs a myid file in its dataDir holding its id"
                    + " (the N of its server.N line)");
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            long id = Long.parseLong(text);
            if (id <= 0) throw new NumberFormatException();
            return id;
        } catch (NumberFormatException e) {
            throw new ConfigException(file + " must hold this server's id, a positive whole number, not '" + text + "'");
        }
    }
}
