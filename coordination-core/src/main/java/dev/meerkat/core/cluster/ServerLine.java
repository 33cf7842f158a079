package dev.meerkat.core.cluster;

/**
 * ZooKeeper's server line, {@code server.N=host:quorumPort:electionPort[:participant|:observer][;[clientAddress:]clientPort]}
 * (a host may be an IPv6 address in brackets), as written in zoo.cfg, in a dynamic configuration
 * file and in a reconfig request. One parser for all three, so they cannot drift apart.
 */
public final class ServerLine {
    private ServerLine() {
    }

    /** A malformed line; the message says what is wrong, the caller says where. */
    public static final class Malformed extends IllegalArgumentException {
        public Malformed(String message) {
            super(message);
        }
    }

    /** Parses {@code key=value} with key {@code server.N}. */
    public static ServerSpec parse(String key, String value) {
        return parse(id(key), value);
    }

    /** The N of a {@code server.N} key. */
    public static long id(String key) {
        if (!key.startsWith("server.")) throw new Malformed("'" + key + "' is not a server.N key");
        try {
            long id = Long.parseLong(key.substring("server.".length()).trim());
            if (id <= 0) throw new NumberFormatException();
            return id;
        } catch (NumberFormatException e) {
            throw new Malformed("'" + key + "' must be server.N with N a positive whole number (the server's myid)");
        }
    }

    public static ServerSpec parse(long id, String value) {
        value = value.trim();
        if (value.contains("|")) throw new Malformed("several addresses per server (multiAddress) are not supported by Meerkat");
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
            if (close < 0) throw new Malformed("unclosed '[' in the address of server." + id);
            host = peerPart.substring(1, close);
            rest = peerPart.substring(close + 1);
            if (!rest.startsWith(":")) throw new Malformed("server." + id + " needs host:quorumPort:electionPort");
            rest = rest.substring(1);
        } else {
            int colon = peerPart.indexOf(':');
            if (colon <= 0) throw new Malformed("server." + id + " must be host:quorumPort:electionPort[:participant|:observer], not '" + value + "'");
            host = peerPart.substring(0, colon);
            rest = peerPart.substring(colon + 1);
        }
        String[] parts = rest.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new Malformed("server." + id + " must be host:quorumPort:electionPort[:participant|:observer], not '" + value + "'");
        }
        int quorumPort = port("the quorum port of server." + id, parts[0]);
        int electionPort = port("the election port of server." + id, parts[1]);
        boolean observer = false;
        if (parts.length == 3) {
            observer = switch (parts[2].trim()) {
                case "observer" -> true;
                case "participant" -> false;
                default -> throw new Malformed("server." + id + " role must be participant or observer, not '" + parts[2] + "'");
            };
        }
        String clientHost = null;
        int clientPort = -1;
        if (clientPart != null && !clientPart.isEmpty()) {
            int colon = clientPart.lastIndexOf(':');
            String portText = colon >= 0 ? clientPart.substring(colon + 1) : clientPart;
            if (colon >= 0) clientHost = clientPart.substring(0, colon).replace("[", "").replace("]", "");
            clientPort = port("the client port of server." + id, portText);
        }
        if (quorumPort != 0 && quorumPort == electionPort) {
            throw new Malformed("server." + id + " uses port " + quorumPort + " as both quorum and election port");
        }
        return new ServerSpec(id, host, quorumPort, electionPort, observer, clientHost, clientPort);
    }

    private static int port(String what, String text) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p < 0 || p > 65535) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw new Malformed(what + " must be a port number (0 to 65535), not '" + text.trim() + "'");
        }
    }
}
