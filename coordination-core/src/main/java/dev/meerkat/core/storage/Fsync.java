package dev.meerkat.core.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The fsync calls the storage layer depends on. A rename or a newly created file is only durable
 * once its directory entry is, which needs an fsync of the directory itself (Linux, most Unixes).
 */
public final class Fsync {

    private Fsync() {
    }

    /** Forces a directory's entries (creations, renames, deletions) to disk. */
    public static void directory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; there is nothing more we can do there.
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
                throw new UncheckedIOException("cannot fsync directory " + dir, e);
            }
        }
    }

    /** Forces a file's content (not necessarily its metadata) to disk. */
    public static void file(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync " + file, e);
        }
    }
}
