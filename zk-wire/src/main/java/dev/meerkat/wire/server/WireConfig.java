package dev.meerkat.wire.server;

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
 * @param fourLetterWords       4lw.commands.whitelist ("*" allows all)
 * @param superDigest           superDigest identity ({@code user:base64hash}) or null
 * @param maxOutstanding        requests one connection may have in flight before its socket is paused
 */
public record WireConfig(String host, int port, int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxClientCnxns,
                         int maxBuffer, Set<String> fourLetterWords, String superDigest, int maxOutstanding) {

    public static final Set<String> DEFAULT_FOUR_LETTER_WORDS = Set.of("ruok", "srvr", "stat", "mntr", "isro");

    public static WireConfig defaults(int tickTimeMs) {
        return new WireConfig("0.0.0.0", 2181, 2 * tickTimeMs, 20 * tickTimeMs, 60, 0xfffff,
                DEFAULT_FOUR_LETTER_WORDS, null, 1000);
    }

    public WireConfig withPort(int p) {
        return new WireConfig(host, p, minSessionTimeoutMs, maxSessionTimeoutMs, maxClientCnxns, maxBuffer, fourLetterWords, superDigest, maxOutstanding);
    }

    public WireConfig withHost(String h) {
        return new WireConfig(h, port, minSessionTimeoutMs, maxSessionTimeoutMs, maxClientCnxns, maxBuffer, fourLetterWords, superDigest, maxOutstanding);
    }

    public WireConfig withSessionTimeouts(int min, int max) {
        return new WireConfig(host, port, min, max, maxClientCnxns, maxBuffer, fourLetterWords, superDigest, maxOutstanding);
    }

    public WireConfig withMaxClientCnxns(int n) {
        return new WireConfig(host, port, minSessionTimeoutMs, maxSessionTimeoutMs, n, maxBuffer, fourLetterWords, superDigest, maxOutstanding);
    }

    public WireConfig withMaxBuffer(int n) {
        return new WireConfig(host, port, minSessionTimeoutMs, maxSessionTimeoutMs, maxClientCnxns, n, fourLetterWords, superDigest, maxOutstanding);
    }

    public WireConfig withFourLetterWords(Set<String> words) {
        return new WireConfig(host, port, minSessionTimeoutMs, maxSessionTimeoutMs, maxClientCnxns, maxBuffer, Set.copyOf(words), superDigest, maxOutstanding);
    }

    public WireConfig withSuperDigest(String digest) {
        return new WireConfig(host, port, minSessionTimeoutMs, maxSessionTimeoutMs, maxClientCnxns, maxBuffer, fourLetterWords, digest, maxOutstanding);
    }

    public int negotiateTimeout(int requested) {
        return Math.max(minSessionTimeoutMs, Math.min(maxSessionTimeoutMs, requested));
    }

    public boolean allows(String word) {
        return fourLetterWords.contains("*") || fourLetterWords.contains(word);
    }
}
