package dev.meerkat.server.config;

import dev.meerkat.core.cluster.ServerLine;
import dev.meerkat.core.cluster.ServerSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the ensemble keys of a zoo.cfg, with ZooKeeper's syntax:
 * {@code server.N=host:quorumPort:electionPort[:participant|:observer][;[clientAddress:]clientPort]}
 * (a host may be an IPv6 address in brackets), {@code peerType}, {@code initLimit}, {@code syncLimit},
 * {@code quorumListenOnAllIPs}, {@code standaloneEnabled}, plus Meerkat's election timing. Meerkat
 * uses the quorum port for all peer traffic; the election port is accepted and checked, not used.
 */
final class EnsembleParser {
    private final Map<Long, ServerSpec> servers = new HashMap<>();
    private final Map<Long, String> lineOf = new HashMap<>();
    private final List<Long> order = new ArrayList<>();
    private final EnsembleSettings defaults = EnsembleSettings.none();
    private boolean observer = defaults.observer();
    private int initLimit = defaults.initLimit();
    private int syncLimit = defaults.syncLimit();
    private boolean listenOnAllIps = defaults.listenOnAllIps();
    private boolean standaloneEnabled = defaults.standaloneEnabled();
    private int raftTickMs = defaults.raftTickMs();
    private int electionTicks = defaults.electionTicks();
    private boolean linearizableReads = defaults.linearizableReads();
    private boolean reconfigEnabled = defaults.reconfigEnabled();
    private boolean readOnlyMode = defaults.readOnlyModeEnabled();
    private String dynamicConfigFile;
    private String dynamicConfigWhere;

    /** Whether {@code key} is one of the ensemble keys this parser reads. */
    static boolean owns(String key) {
        return key.startsWith("server.") || switch (key) {
            case "peerType", "initLimit", "syncLimit", "quorumListenOnAllIPs", "standaloneEnabled", "electionAlg",
                 "reconfigEnabled", "dynamicConfigFile", "readonlymode.enabled",
                 "meerkat.raftTickMs", "meerkat.electionTicks", "meerkat.linearizableReads" -> true;
            default -> false;
        };
    }

    void take(String where, String key, String value) {
        switch (key) {
            case "peerType" -> observer = peerType(where, value);
            case "initLimit" -> initLimit = Values.intValue(where, key, value, 1, 1_000_000);
            case "syncLimit" -> syncLimit = Values.intValue(where, key, value, 1, 1_000_000);
            case "quorumListenOnAllIPs" -> listenOnAllIps = Values.bool(where, key, value);
            case "standaloneEnabled" -> standaloneEnabled = Values.bool(where, key, value);
            case "reconfigEnabled" -> reconfigEnabled = Values.bool(where, key, value);
            case "readonlymode.enabled" -> readOnlyMode = Values.bool(where, key, value);
            case "dynamicConfigFile" -> {
                if (value.isEmpty()) throw new ConfigException(where + ": dynamicConfigFile needs a file name");
                dynamicConfigFile = value;
                dynamicConfigWhere = where;
            }
            case "electionAlg" -> {
                // 3 (fast leader election) is the only one ZooKeeper 3.9 has; Meerkat elects with Raft either way.
                if (Values.intValue(where, key, value, 0, 3) != 3) {
                    throw new ConfigException(where + ": electionAlg " + value + " was removed from ZooKeeper; only 3 is valid");
                }
            }
            case "meerkat.raftTickMs" -> raftTickMs = Values.intValue(where, key, value, 1, 10_000);
            case "meerkat.electionTicks" -> electionTicks = Values.intValue(where, key, value, 3, 1000);
            case "meerkat.linearizableReads" -> linearizableReads = Values.bool(where, key, value);
            default -> serverLine(where, key, value);
        }
    }

    /**
     * ZooKeeper's dynamicConfigFile: the server lines live in a file of their own (which a reconfig
     * rewrites), with a {@code version=} line; they take the place of any in zoo.cfg.
     */
    private void readDynamicFile(java.nio.file.Path base) {
        // ZooKeeper opens it relative to the working directory; next to zoo.cfg is where it usually is.
        java.nio.file.Path file = java.nio.file.Path.of(dynamicConfigFile);
        if (!file.isAbsolute() && !java.nio.file.Files.exists(file) && base != null) file = base.resolve(file);
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new ConfigException(dynamicConfigWhere + ": cannot read dynamicConfigFile " + file + ": " + e.getMessage());
        }
        if (!servers.isEmpty()) {
            throw new ConfigException(dynamicConfigWhere + ": zoo.cfg has server.N lines and a dynamicConfigFile (" + file
                    + "); the server lines belong in one place only");
        }
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String where = file + ":" + n;
            int eq = line.indexOf('=');
            if (eq <= 0) throw new ConfigException(where + ": expected key=value but found '" + line + "'");
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            if (key.equals("version")) continue;
            if (!key.startsWith("server.")) {
                throw new ConfigException(where + ": a dynamic configuration file holds server.N lines and version only, not '" + key + "'");
            }
            serverLine(where, key, value);
        }
    }

    private static boolean peerType(String where, String value) {
        return switch (value) {
            case "observer" -> true;
            case "participant" -> false;
            default -> throw new ConfigException(where + ": peerType must be participant or observer, not '" + value + "'");
        };
    }

    private void serverLine(String where, String key, String value) {
        ServerSpec spec;
        try {
            spec = ServerLine.parse(key, value);
        } catch (ServerLine.Malformed e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
        long id = spec.id();
        if (servers.containsKey(id)) throw new ConfigException(where + ": server." + id + " is given twice (first at " + lineOf.get(id) + ")");
        servers.put(id, spec);
        lineOf.put(id, where);
        order.add(id);
    }

    /** The settings, after checking that no two servers share a port on the same host. */
    EnsembleSettings build(String name, java.nio.file.Path base) {
        if (dynamicConfigFile != null) readDynamicFile(base);
        List<ServerSpec> list = new ArrayList<>();
        for (long id : order) list.add(servers.get(id));
        Map<String, String> usedBy = new HashMap<>();
        for (ServerSpec s : list) {
            claim(usedBy, s.host(), s.peerPort(), "the quorum port of server." + s.id(), lineOf.get(s.id()));
            claim(usedBy, s.host(), s.electionPort(), "the election port of server." + s.id(), lineOf.get(s.id()));
            if (s.clientPort() > 0) {
                claim(usedBy, s.clientHost() == null ? s.host() : s.clientHost(), s.clientPort(), "the client port of server." + s.id(), lineOf.get(s.id()));
            }
        }
        if (!list.isEmpty() && list.stream().noneMatch(s -> !s.observer())) {
            throw new ConfigException(name + ": the ensemble has no participant (every server.N line is an observer)");
        }
        return new EnsembleSettings(list, observer, initLimit, syncLimit, listenOnAllIps, standaloneEnabled, raftTickMs,
                electionTicks, linearizableReads, reconfigEnabled, readOnlyMode, -1);
    }

    private static void claim(Map<String, String> usedBy, String host, int port, String what, String where) {
        if (port == 0) return; // any free port: cannot clash
        String previous = usedBy.putIfAbsent(host + ":" + port, what);
        if (previous != null) {
            throw new ConfigException(where + ": " + what + " (" + host + ":" + port + ") is already " + previous);
        }
    }
}
