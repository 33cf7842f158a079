package dev.meerkat.server.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the data directories hold (dirs, conf, server_stats, last_snapshot): bytes in the snapshot
 * and log directories and the newest snapshot. Walking a directory is disk I/O, so a thread of its
 * own does it every few seconds and event loops read the last result.
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
    private ScheduledExecutorService refresher;

    DirectoryFacts(Path snapshotDir, Path logDir) {
        this.snapshotDir = snapshotDir;
        this.logDir = logDir;
        if (snapshotDir != null) current = look();
    }

    synchronized void start() {
        if (snapshotDir == null || refresher != null) return;
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meerkat-directory-sizes");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> {
            try {
                current = look();
            } catch (RuntimeException e) {
                // A file vanished mid-walk (a snapshot purged): the next look sees the new state.
            }
        }, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (refresher != null) refresher.shutdownNow();
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
