package dev.meerkat.core.log;

import dev.meerkat.core.storage.Fsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Raft's hard state in a small file of its own, replaced atomically: written to {@code hardstate.tmp},
 * fsynced, renamed over {@code hardstate}, then the directory fsynced. A crash leaves either the old
 * or the new file whole; a leftover temp file is ignored.
 *
 * <p>Layout (little endian, 40 bytes): magic "MKHS", version 1, term, votedFor, commit, CRC32C of
 * the preceding 36 bytes.
 */
final class HardStateFile {

    static final String NAME = "hardstate";
    private static final int MAGIC = 0x53484b4d; // "MKHS" read little endian
    private static final int VERSION = 1;
    private static final int SIZE = 4 + 4 + 8 + 8 + 8 + 4;

    private final Path dir;
    private final Path file;
    private final Path temp;

    HardStateFile(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(NAME);
        this.temp = dir.resolve(NAME + ".tmp");
    }

    /**
     * The saved state, or {@link HardState#INITIAL} when none was ever saved.
     *
     * @throws IllegalStateException when the file exists but is damaged: forgetting a vote could
     *                               let this node vote twice in a term, so it must not start silently
     */
    HardState load() {
        byte[] bytes;
        try {
            Files.deleteIfExists(temp);
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return HardState.INITIAL;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length != SIZE || b.getInt(0) != MAGIC) {
            throw new IllegalStateException("hard state file " + file + " is damaged (" + bytes.length + " bytes)");
        }
        if (b.getInt(4) != VERSION) {
            throw new IllegalStateException("hard state file " + file + " has format version " + b.getInt(4)
                    + "; this Meerkat understands version " + VERSION);
        }
        if (b.getInt(SIZE - 4) != crc(bytes)) {
            throw new IllegalStateException("hard state file " + file + " is damaged (checksum mismatch)");
        }
        return new HardState(b.getLong(8), b.getLong(16), b.getLong(24));
    }

    void save(HardState state) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putLong(state.term()).putLong(state.votedFor()).putLong(state.commit());
        b.putInt(crc(b.array()));
        b.flip();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temp, e);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + temp + " to " + file, e);
        }
        Fsync.directory(dir);
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        return (int) crc.getValue();
    }
}
