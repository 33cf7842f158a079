package dev.meerkat.server.ops;

import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * What the data directories hold (dirs, conf, server_stats, last_snapshot): bytes in the snapshot
 * and log directories and the newest snapshot. Walking a directory is disk I/O, so a worker thread
 * does it every few seconds and event loops read the last result.
 */
final class DirectoryFacts {
    static final long REFRESH_MS = 5000;

    /** One look at the directories. */
    record Sizes(long dataDirBytes, long logDirBytes, long newestSnapshotZxid, long newestSnapshotMs) {
        static final Sizes NONE = new Sizes(0, 0, -1, -1);
    }

    private final Path snapshotDir;
    private final Path logDir;
    private volatile Sizes current = Sizes.NONE;
    private long timer = -1;

    DirectoryFacts(Path snapshotDir, Path logDir) {
        this.snapshotDir = snapshotDir;
        this.logDir = logDir;
        if (snapshotDir != null) current = look();
    }

    void start(Vertx vertx) {
        if (snapshotDir == null) return;
        timer = vertx.setPeriodic(REFRESH_MS, id -> vertx.executeBlocking(this::look, false).onSuccess(s -> current = s));
    }

    void stop(Vertx vertx) {
        if (timer >= 0) vertx.cancelTimer(timer);
    }

    Sizes current() {
        return current;
    }

    Path snapshotDir() {
        return snapshotDir;
    }

    Path logDir() {
        return logDir;
    }

    private Sizes look() {
        long newestZxid = -1;
        long newestMs = -1;
        try (Stream<Path> files = Files.list(snapshotDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                // Meerkat's snapshot files: snapshot-<index, 20 digits>-<term>.snap
                String name = p.getFileName().toString();
                if (!name.startsWith("snapshot-") || !name.endsWith(".snap") || name.length() < 29) continue;
                try {
                    long zxid = Long.parseLong(name.substring("snapshot-".length(), "snapshot-".length() + 20));
                    if (zxid > newestZxid) {
                        newestZxid = zxid;
                        newestMs = Files.getLastModifiedTime(p).toMillis();
                    }
                } catch (NumberFormatException e) {
                    // not a snapshot file
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // The directory went away (shutdown): keep the last numbers.
            return current;
        }
        return new Sizes(size(snapshotDir), size(logDir), newestZxid, newestMs);
    }

    private static long size(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) return 0;
        long[] total = {0};
        try (Stream<Path> files = Files.walk(dir)) {
            files.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) total[0] += a.size();
                } catch (IOException e) {
                    // removed while walking
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return total[0];
        }
        return total[0];
    }
}
