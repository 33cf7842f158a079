package dev.meerkat.server.migrate.zookeeper;

import java.io.IOException;
import java.nio.file.Path;

/** ZooKeeper data that cannot be read: names the file and the byte offset where it went wrong. */
public final class ZkDataException extends IOException {
    private final Path file;
    private final long offset;

    public ZkDataException(Path file, long offset, String problem) {
        this(file, offset, problem, null);
    }

    public ZkDataException(Path file, long offset, String problem, Throwable cause) {
        super(file + (offset >= 0 ? " at offset " + offset : "") + ": " + problem, cause);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    /** Byte offset in the (decompressed) file, or -1 when the problem is not at one place. */
    public long offset() {
        return offset;
    }
}
