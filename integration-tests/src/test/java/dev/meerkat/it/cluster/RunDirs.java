package dev.meerkat.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** A fresh directory per test run under target/, kept afterwards so that a failure's server logs can be read. */
final class RunDirs {
    private RunDirs() {
    }

    static Path fresh(String name) {
        Path dir = Path.of("target", "cluster-runs", name).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }
}
