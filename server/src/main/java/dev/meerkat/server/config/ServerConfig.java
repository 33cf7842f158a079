package dev.meerkat.server.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * Everything a Meerkat server is configured with, from a zoo.cfg file or the embedded API.
 *
 * @param dataDir        where snapshots (and, without dataLogDir, the log) live; null = in memory only
 * @param dataLogDir     a separate directory for the log, or null
 * @param containerCheckIntervalMs how often emptied containers and expired TTL nodes are looked for
 */
public record ServerConfig(String clientPortAddress, int clientPort, Path dataDir, Path dataLogDir, int tickTime,
                           int minSessionTimeout, int maxSessionTimeout, int maxClientCnxns, int juteMaxBuffer,
                           Set<String> fourLetterWords, String superDigest, int snapCount, int snapRetainCount,
                           int containerCheckIntervalMs) {

    public static final int DEFAULT_PORT = 2181;
    public static final Path DEFAULT_DATA_DIR = Path.of("meerkat-data");

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, DEFAULT_DATA_DIR, null, 2000, -1, -1, 60, 0xfffff,
                Set.of("ruok", "srvr", "stat", "mntr", "isro"), null, 100_000, 3, 1000);
    }

    public int effectiveMinSessionTimeout() {
        return minSessionTimeout > 0 ? minSessionTimeout : 2 * tickTime;
    }

    public int effectiveMaxSessionTimeout() {
        return maxSessionTimeout > 0 ? maxSessionTimeout : 20 * tickTime;
    }

    public boolean inMemory() {
        return dataDir == null;
    }

    public ServerConfig withClientPort(int port) {
        return new ServerConfig(clientPortAddress, port, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, juteMaxBuffer, fourLetterWords, superDigest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }

    public ServerConfig withClientPortAddress(String address) {
        return new ServerConfig(address, clientPort, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, juteMaxBuffer, fourLetterWords, superDigest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(clientPortAddress, clientPort, dir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, juteMaxBuffer, fourLetterWords, superDigest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }

    public ServerConfig withTickTime(int tick) {
        return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tick, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, juteMaxBuffer, fourLetterWords, superDigest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }

    public ServerConfig withSessionTimeouts(int min, int max) {
        return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tickTime, min, max,
                maxClientCnxns, juteMaxBuffer, fourLetterWords, superDigest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }

    public ServerConfig withMaxClientCnxns(int n) {
        return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                n, juteMaxBuffer, fourLetterWords, superDigest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }

    public ServerConfig withSuperDigest(String digest) {
        return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, juteMaxBuffer, fourLetterWords, digest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }

    public ServerConfig withFourLetterWords(Set<String> words) {
        return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, juteMaxBuffer, Set.copyOf(words), superDigest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }

    public ServerConfig withContainerCheckIntervalMs(int ms) {
        return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, juteMaxBuffer, fourLetterWords, superDigest, snapCount, snapRetainCount, ms);
    }

    public ServerConfig withSnapshots(int count, int retain) {
        return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, juteMaxBuffer, fourLetterWords, superDigest, count, retain, containerCheckIntervalMs);
    }

    public ServerConfig withJuteMaxBuffer(int n) {
        return new ServerConfig(clientPortAddress, clientPort, dataDir, dataLogDir, tickTime, minSessionTimeout, maxSessionTimeout,
                maxClientCnxns, n, fourLetterWords, superDigest, snapCount, snapRetainCount, containerCheckIntervalMs);
    }
}
