package dev.meerkat.server.config;

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
    private EnsembleSettings settings = EnsembleSettings.none();

    /** Whether {@code key} is one of the ensemble keys this parser reads. */
    static boolean owns(String key) {
        return key.startsWith("server.") || switch (key) {
            case "peerType", "initLimit", "syncLimit", "quorumListenOnAllIPs", "standaloneEnabled", "electionAlg",
                 "meerkat.raftTickMs", "meerkat.electionTicks", "meerkat.linearizableReads" -> true;
            default -> false;
        };
    }

    void take(String where, String key, String value) {
        EnsembleSettings s = settings;
        switch (key) {
            case "peerType" -> settings = new EnsembleSettings(s.servers(), peerType(where, value), s.initLimit(), s.syncLimit(),
                    s.listenOnAllIps(), s.standaloneEnabled(), s.raftTickMs(), s.electionTicks(), s.linearizableReads());
            case "initLimit" -> settings = new EnsembleSettings(s.servers(), s.observer(), Values.intValue(where, key, value, 1, 1_000_000),
                    s.syncLimit(), s.listenOnAllIps(), s.standaloneEnabled(), s.raftTickMs(), s.electionTicks(), s.linearizableReads());
            case "syncLimit" -> settings = new EnsembleSettings(s.servers(), s.observer(), s.initLimit(),
                    Values.intValue(where, key, value, 1, 1_000_000), s.listenOnAllIps(), s.standaloneEnabled(), s.raftTickMs(),
                    s.electionTicks(), s.linearizableReads());
            case "quorumListenOnAllIPs" -> settings = new EnsembleSettings(s.servers(), s.observer(), s.initLimit(), s.syncLimit(),
                    Values.bool(where, key, value), s.standaloneEnabled(), s.raftTickMs(), s.electionTicks(), s.linearizableReads());
            case "standaloneEnabled" -> settings = new EnsembleSettings(s.servers(), s.observer(), s.initLimit(), s.syncLimit(),
                    s.listenOnAllIps(), Values.bool(where, key, value), s.raftTickMs(), s.electionTicks(), s.linearizableReads());
            case "electionAlg" -> {
                // 3 (fast leader election) is the only one ZooKeeper 3.9 has; Meerkat elects with Raft either way.
                if (Values.intValue(where, key, value, 0, 3) != 3) {
                    throw new ConfigException(where + ": electionAlg " + value + " was removed from ZooKeeper; only 3 is valid");
                }
            }
            case "meerkat.raftTickMs" -> settings = new EnsembleSettings(s.servers(), s.observer(), s.initLimit(), s.syncLimit(),
                    s.listenOnAllIps(), s.standaloneEnabled(), Values.intValue(where, key, value, 1, 10_000), s.electionTicks(),
                    s.linearizableReads());
            case "meerkat.electionTicks" -> settings = new EnsembleSettings(s.servers(), s.observer(), s.initLimit(), s.syncLimit(),
                    s.listenOnAllIps(), s.standaloneEnabled(), s.raftTickMs(), Values.intValue(where, key, value, 3, 1000),
                    s.linearizableReads());
            case "meerkat.linearizableReads" -> settings = new EnsembleSettings(s.servers(), s.observer(), s.initLimit(), s.syncLimit(),
                    s.listenOnAllIps(), s.standaloneEnabled(), s.raftTickMs(), s.electionTicks(), Values.bool(where, key, value));
            default -> serverLine(where, key, value);
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
        long id;
        try {
            id = Long.parseLong(key.substring("server.".length()));
            if (id <= 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": '" + key + "' must be server.N with N a positive whole number (the server's myid)");
        }
        if (servers.containsKey(id)) throw new ConfigException(where + ": server." + id + " is given twice (first at " + lineOf.get(id) + ")");
        if (value.contains("|")) throw new ConfigException(where + ": several addresses per server (multiAddress) are not supported by Meerkat");
        String peerPart = value;
        String clientPart = null;
        int semi = value.indexOf(';');
        if (semi >= 0) {
            peerPart = value.substring(0, semi).trim();
            clientPart = value.substring(semi + 1).trim();
        }
        String host;
        String rest;
        if (peerPart.startsWith("[")) {
            int close = peerPart.indexOf(']');
            if (close < 0) throw new ConfigException(where + ": unclosed '[' in the address of server." + id);
            host = peerPart.substring(1, close);
            rest = peerPart.substring(close + 1);
            if (!rest.startsWith(":")) throw new ConfigException(where + ": server." + id + " needs host:quorumPort:electionPort");
            rest = rest.substring(1);
        } else {
            int colon = peerPart.indexOf(':');
            if (colon <= 0) throw new ConfigException(where + ": server." + id + " must be host:quorumPort:electionPort[:participant|:observer], not '" + value + "'");
            host = peerPart.substring(0, colon);
            rest = peerPart.substring(colon + 1);
        }
        String[] parts = rest.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new ConfigException(where + ": server." + id + " must be host:quorumPort:electionPort[:participant|:observer], not '" + value + "'");
        }
        int quorumPort = Values.intValue(where, "the quorum port of server." + id, parts[0].trim(), 0, 65535);
        int electionPort = Values.intValue(where, "the election port of server." + id, parts[1].trim(), 0, 65535);
        boolean observer = false;
        if (parts.length == 3) {
            observer = switch (parts[2].trim()) {
                case "observer" -> true;
                case "participant" -> false;
                default -> throw new ConfigException(where + ": server." + id + " role must be participant or observer, not '" + parts[2] + "'");
            };
        }
        String clientHost = null;
        int clientPort = -1;
        if (clientPart != null && !clientPart.isEmpty()) {
            int colon = clientPart.lastIndexOf(':');
            String portText = colon >= 0 ? clientPart.substring(colon + 1) : clientPart;
            if (colon >= 0) clientHost = clientPart.substring(0, colon).replace("[", "").replace("]", "");
            clientPort = Values.intValue(where, "the client port of server." + id, portText.trim(), 0, 65535);
        }
        if (quorumPort != 0 && quorumPort == electionPort) {
            throw new ConfigException(where + ": server." + id + " uses port " + quorumPort + " as both quorum and election port");
        }
        servers.put(id, new ServerSpec(id, host, quorumPort, electionPort, observer, clientHost, clientPort));
        lineOf.put(id, where);
        order.add(id);
    }

    /** The settings, after checking that no two servers share a port on the same host. */
    EnsembleSettings build(String name) {
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
        EnsembleSettings s = settings;
        return new EnsembleSettings(list, s.observer(), s.initLimit(), s.syncLimit(), s.listenOnAllIps(), s.standaloneEnabled(),
                s.raftTickMs(), s.electionTicks(), s.linearizableReads());
    }

    private static void claim(Map<String, String> usedBy, String host, int port, String what, String where) {
        if (port == 0) return; // any free port: cannot clash
        String previous = usedBy.putIfAbsent(host + ":" + port, what);
        if (previous != null) {
            throw new ConfigException(where + ": " + what + " (" + host + ":" + port + ") is already " + previous);
        }
    }
}
