package dev.meerkat.core.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * One committed snapshot file: {@code snapshot-<index, 20 digits>-<term>.snap}, holding the state
 * machine's bytes followed by a 16-byte trailer (little endian): CRC32C of the content (4), content
 * length (8), magic "MKSN" (4). The trailer is written last, so a file cut short anywhere fails the check.
 */
public final class SnapshotFile {

    static final int TRAILER = 4 + 8 + 4;
    static final int MAGIC = 0x4e534b4d; // "MKSN" read little endian
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d+)\\.snap");

    private final Path path;
    private final long index;
    private final long term;

    SnapshotFile(Path path, long index, long term) {
        this.path = path;
        this.index = index;
        this.term = term;
    }

    static String fileName(long index, long term) {
        return String.format("snapshot-%020d-%d.snap", index, term);
    }

    static Optional<SnapshotFile> parse(Path path) {
        Matcher m = NAME.matcher(path.getFileName().toString());
        if (!m.matches()) return Optional.empty();
        try {
            return Optional.of(new SnapshotFile(path, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Raft index of the last entry the snapshot covers. */
    public long index() {
        return index;
    }

    /** Term of that entry. */
    public long term() {
        return term;
    }

    public Path path() {
        return path;
    }

    /** Bytes of content (the file without its trailer). */
    public long size() throws IOException {
        return Math.max(0, Files.size(path) - TRAILER);
    }

    /** The content, without the trailer; streamed, never read whole into memory. */
    public InputStream open() throws IOException {
        long size = size();
        return new BoundedInputStream(new UnsyncBufferedInputStream(Files.newInputStream(path), 64 * 1024), size);
    }

    /**
     * Checks the trailer and the checksum of the whole content.
     *
     * @return empty when intact, else why not
     */
    public Optional<String> damage() {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < TRAILER) return Optional.of("only " + fileSize + " bytes, shorter than its trailer");
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
            while (trailer.hasRemaining()) {
                if (ch.read(trailer, fileSize - TRAILER + trailer.position()) < 0) break;
            }
            int crc = trailer.getInt(0);
            long length = trailer.getLong(4);
            if (trailer.getInt(12) != MAGIC) return Optional.of("no trailer (cut short or not a snapshot)");
            if (length != fileSize - TRAILER) return Optional.of("trailer says " + length + " bytes, file holds " + (fileSize - TRAILER));
            CRC32C actual = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
            long pos = 0;
            while (pos < length) {
                buf.clear();
                if (length - pos < buf.capacity()) buf.limit((int) (length - pos));
                int n = ch.read(buf, pos);
                if (n < 0) return Optional.of("unexpected end of file");
                buf.flip();
                actual.update(buf);
                pos += n;
            }
            if ((int) actual.getValue() != crc) return Optional.of("checksum mismatch");
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("unreadable: " + e);
        }
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }

    /** Stops at the end of the content so the caller never sees the trailer. */
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = super.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
