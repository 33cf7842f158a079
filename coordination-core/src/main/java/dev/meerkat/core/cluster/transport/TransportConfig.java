package dev.meerkat.core.cluster.transport;

/**
 * Timing and bounds of peer links.
 *
 * @param connectTimeoutMs     how long one connection attempt may take
 * @param handshakeTimeoutMs   how long a new link may take to say (or answer) hello
 * @param pingIntervalMs       how often an idle link is probed
 * @param deadAfterMs          a link that heard nothing back for this long is closed and re-made
 * @param maxBackoffMs         the longest pause between reconnection attempts
 * @param maxQueuedBytes       bytes a link may hold for sending; beyond that, sends are refused
 * @param listenOnAllAddresses quorumListenOnAllIPs: bind the peer port on every interface
 * @param tls                  sslQuorum with ssl.quorum.*: TLS both ways, certificates required and
 *                             checked against the claimed server's address; null for plain TCP
 */
public record TransportConfig(int connectTimeoutMs, int handshakeTimeoutMs, int pingIntervalMs, int deadAfterMs,
                              int maxBackoffMs, long maxQueuedBytes, boolean listenOnAllAddresses,
                              dev.meerkat.core.tls.TlsSettings tls) {

    public static TransportConfig defaults() {
        return new TransportConfig(1000, 3000, 250, 3000, 1000, 64L << 20, false, null);
    }

    public TransportConfig withListenOnAllAddresses(boolean all) {
        return new TransportConfig(connectTimeoutMs, handshakeTimeoutMs, pingIntervalMs, deadAfterMs, maxBackoffMs, maxQueuedBytes, all, tls);
    }

    public TransportConfig withTls(dev.meerkat.core.tls.TlsSettings quorumTls) {
        return new TransportConfig(connectTimeoutMs, handshakeTimeoutMs, pingIntervalMs, deadAfterMs, maxBackoffMs, maxQueuedBytes,
                listenOnAllAddresses, quorumTls);
    }
}
