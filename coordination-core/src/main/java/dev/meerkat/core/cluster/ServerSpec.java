package dev.meerkat.core.cluster;

/**
 * One {@code server.N} line of an ensemble's configuration.
 *
 * @param id           the server's id (its {@code myid})
 * @param host         where its peer port listens
 * @param peerPort     the quorum port: Meerkat's one peer port (0 on a server's own line: any free port)
 * @param electionPort ZooKeeper's election port: accepted and checked, not used (Meerkat elects over the peer port)
 * @param observer     a non-voting server that replicates and serves clients
 * @param clientHost   the client address from the line, or null
 * @param clientPort   the client port from the line, or -1
 */
public record ServerSpec(long id, String host, int peerPort, int electionPort, boolean observer, String clientHost, int clientPort) {

    public ServerSpec {
        if (id <= 0) throw new IllegalArgumentException("server ids are positive: " + id);
        if (host == null || host.isEmpty()) throw new IllegalArgumentException("server." + id + " has no host");
    }

    public String role() {
        return observer ? "observer" : "participant";
    }

    /**
     * As ZooKeeper writes a server line (without the {@code server.N=} key): a client port given
     * without an address listens on all of them, which ZooKeeper writes as 0.0.0.0.
     */
    public String describe() {
        return bracketed(host) + ":" + peerPort + ":" + electionPort + ":" + role()
                + (clientPort >= 0 ? ";" + (clientHost == null ? "0.0.0.0" : bracketed(clientHost)) + ":" + clientPort : "");
    }

    private static String bracketed(String h) {
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    public ServerSpec withRole(boolean asObserver) {
        return new ServerSpec(id, host, peerPort, electionPort, asObserver, clientHost, clientPort);
    }

    public ServerSpec withClientAddress(String address, int port) {
        return new ServerSpec(id, host, peerPort, electionPort, observer, address, port);
    }
}
