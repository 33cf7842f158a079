package dev.meerkat.wire.server;

import dev.meerkat.wire.security.WireSecurity;

import java.util.Set;

/**
 * Client-facing settings, named after their zoo.cfg keys.
 *
 * @param host                  clientPortAddress (null or "0.0.0.0" for all interfaces)
 * @param port                  clientPort; 0 picks a free port
 * @param minSessionTimeoutMs   lower bound of a negotiated session timeout
 * @param maxSessionTimeoutMs   upper bound of a negotiated session timeout
 * @param maxClientCnxns        most concurrent connections from one address; 0 = no limit
 * @param maxBuffer             jute.maxbuffer: largest request body accepted
 * @param fourLetterWords       4lw.commands.whitelist ("*" allows all; srvr is always allowed)
 * @param superDigest           superDigest identity ({@code user:base64hash}) or null
 * @param maxOutstanding        requests one connection may have in flight before its socket is paused
 * @param limits                the bounds on what clients can make the server hold
 * @param security              TLS port, SASL, enforced authentication, audit
 */
public record WireConfig(String host, int port, int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxClientCnxns,
                         int maxBuffer, Set<String> fourLetterWords, String superDigest, int maxOutstanding,
                         ConnectionLimits limits, WireSecurity security) {

    /** ZooKeeper's default whitelist: empty (srvr is always allowed). */
    public static final Set<String> DEFAULT_FOUR_LETTER_WORDS = Set.of();

    public static WireConfig defaults(int tickTimeMs) {
        return new WireConfig("0.0.0.0", 2181, 2 * tickTimeMs, 20 * tickTimeMs, 60, 0xfffff,
                DEFAULT_FOUR_LETTER_WORDS, null, 1000, ConnectionLimits.defaults(), WireSecurity.none());
    }

    public WireConfig withPort(int p) {
        return with(f -> f.port = p);
    }

    public WireConfig withHost(String h) {
        return with(f -> f.host = h);
    }

    public WireConfig withSessionTimeouts(int min, int max) {
        return with(f -> {
            f.minSessionTimeoutMs = min;
            f.maxSessionTimeoutMs = max;
        });
    }

    public WireConfig withMaxClientCnxns(int n) {
        return with(f -> f.maxClientCnxns = n);
    }

    public WireConfig withMaxBuffer(int n) {
        return with(f -> f.maxBuffer = n);
    }

    public WireConfig withFourLetterWords(Set<String> words) {
        return with(f -> f.fourLetterWords = Set.copyOf(words));
    }

    public WireConfig withSuperDigest(String digest) {
        return with(f -> f.superDigest = digest);
    }

    public WireConfig withLimits(ConnectionLimits l) {
        return with(f -> f.limits = l);
    }

    public WireConfig withSecurity(WireSecurity s) {
        return with(f -> f.security = s);
    }

    /** Whether the plain (non-TLS) client port is open: clientPort -1 leaves only the secure port. */
    public boolean hasPlainPort() {
        return port >= 0;
    }

    /** A copy with some fields changed: one place that knows the field list, not one per wither. */
    private WireConfig with(java.util.function.Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    private static final class Fields {
        String host;
        int port;
        int minSessionTimeoutMs;
        int maxSessionTimeoutMs;
        int maxClientCnxns;
        int maxBuffer;
        Set<String> fourLetterWords;
        String superDigest;
        int maxOutstanding;
        ConnectionLimits limits;
        WireSecurity security;

        Fields(WireConfig c) {
            host = c.host;
            port = c.port;
            minSessionTimeoutMs = c.minSessionTimeoutMs;
            maxSessionTimeoutMs = c.maxSessionTimeoutMs;
            maxClientCnxns = c.maxClientCnxns;
            maxBuffer = c.maxBuffer;
            fourLetterWords = c.fourLetterWords;
            superDigest = c.superDigest;
            maxOutstanding = c.maxOutstanding;
            limits = c.limits;
            security = c.security;
        }

        WireConfig build() {
            return new WireConfig(host, port, minSessionTimeoutMs, maxSessionTimeoutMs, maxClientCnxns, maxBuffer, fourLetterWords, superDigest, maxOutstanding,
                    limits, security);
        }
    }

    public int negotiateTimeout(int requested) {
        return Math.max(minSessionTimeoutMs, Math.min(maxSessionTimeoutMs, requested));
    }

    public boolean allows(String word) {
        return fourLetterWords.contains("*") || fourLetterWords.contains(word);
    }
}
