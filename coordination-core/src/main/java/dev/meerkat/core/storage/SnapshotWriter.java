package dev.meerkat.core.storage;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;

/**
 * A snapshot being written. The state machine streams itself into {@link #outputStream()}; only
 * {@link #commit()} makes the snapshot visible, and only once it is wholly on disk: the bytes go to
 * a temp file, get a checksum trailer, are fsynced, renamed into place, and the directory fsynced.
 * Closing without committing aborts.
 */
public final class SnapshotWriter implements AutoCloseable {
    /**
     * The snapshot is forced to disk as it is written, every this many bytes, rather than all at
     * once at the end. Left to the kernel, a large snapshot piles up in the page cache and goes to
     * the disk in one burst at commit, and every log sync issued meanwhile waits behind it (15-40 ms
     * syncs of the log under load while a 170 MB snapshot was written); in steps, a log sync waits
     * behind one step at most. RocksDB's {@code bytes_per_sync} does the same.
     */
    static final long SYNC_EVERY_BYTES = 1L << 20;

    private final Path dir;
    private final Path temp;
    private final Path target;
    private final long index;
    private final long term;
    private final FileOutputStream file;
    private final BufferedOutputStream buffered;
    private final CRC32C crc = new CRC32C();
    private long length;
    /** Content bytes already forced to disk ({@link #SYNC_EVERY_BYTES}). */
    private long syncedLength;
    private boolean finished;
    private final OutputStream content = new ContentStream();

    SnapshotWriter(Path dir, long index, long term) {
        this.dir = dir;
        this.index = index;
        this.term = term;
        this.target = dir.resolve(SnapshotFile.fileName(index, term));
        this.temp = dir.resolve(target.getFileName() + SnapshotStore.TEMP_SUFFIX);
        try {
            this.file = new FileOutputStream(temp.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create snapshot file " + temp, e);
        }
        this.buffered = new BufferedOutputStream(file, 256 * 1024);
    }

    public long index() {
        return index;
    }

    public long term() {
        return term;
    }

    /**
     * Where the snapshot content goes. Closing it only flushes: the writer stays open for {@link #commit()}.
     */
    public OutputStream outputStream() {
        return content;
    }

    /** Content bytes forced to disk so far, before the commit forces the rest. */
    long syncedBytes() {
        return syncedLength;
    }

    /** Makes the snapshot durable and visible; returns it. */
    public SnapshotFile commit() {
        if (finished) throw new IllegalStateException("snapshot " + target.getFileName() + " already finished");
        try {
            ByteBuffer trailer = ByteBuffer.allocate(SnapshotFile.TRAILER).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt((int) crc.getValue()).putLong(length).putInt(SnapshotFile.MAGIC);
            buffered.write(trailer.array());
            buffered.flush();
            file.getChannel().force(true);
            file.close();
            finished = true;
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fsync.directory(dir);
            return new SnapshotFile(target, index, term);
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("cannot commit snapshot " + target, e);
        }
    }

    /** Discards the snapshot being written. Harmless after commit or a previous abort. */
    public void abort() {
        finished = true;
        try {
            file.close();
        } catch (IOException ignored) {
            // the temp file goes anyway
        }
        try {
            Files.deleteIfExists(temp); // already renamed away after a commit
        } catch (IOException ignored) {
            // a leftover temp file is removed when the store is next opened
        }
    }

    @Override
    public void close() {
        if (!finished) abort();
    }

    private final class ContentStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            checkOpen();
            buffered.write(b);
            crc.update(b);
            length++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkOpen();
            buffered.write(b, off, len);
            crc.update(b, off, len);
            length += len;
            if (length - syncedLength >= SYNC_EVERY_BYTES) {
                buffered.flush();
                file.getChannel().force(false);
                syncedLength = length;
            }
        }

        @Override
        public void flush() throws IOException {
            if (!finished) buffered.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        private void checkOpen() throws IOException {
            if (finished) throw new IOException("snapshot " + target.getFileName() + " already committed or aborted");
        }
    }
}
