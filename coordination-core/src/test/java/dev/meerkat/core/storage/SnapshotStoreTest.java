package dev.meerkat.core.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotStoreTest {

    @TempDir
    Path dir;

    private SnapshotFile write(SnapshotStore store, long index, long term, String content) throws IOException {
        try (SnapshotWriter w = store.begin(index, term)) {
            w.outputStream().write(content.getBytes(StandardCharsets.UTF_8));
            return w.commit();
        }
    }

    private static String read(SnapshotFile s) throws IOException {
        try (InputStream in = s.open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void committedSnapshotIsListedAndReadsBackWithoutItsTrailer() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir);
        SnapshotFile s = write(store, 42, 3, "the tree at 42");

        assertThat(s.path().getFileName().toString()).isEqualTo("snapshot-00000000000000000042-3.snap");
        assertThat(s.index()).isEqualTo(42);
        assertThat(s.term()).isEqualTo(3);
        assertThat(s.size()).isEqualTo("the tree at 42".length());
        assertThat(store.list()).extracting(SnapshotFile::index).containsExactly(42L);
        assertThat(store.newestValid()).get().extracting(SnapshotFile::index).isEqualTo(42L);
        assertThat(read(store.newestValid().orElseThrow())).isEqualTo("the tree at 42");
    }

    @Test
    void largeSnapshotStreamsThroughIntact() throws Exception {
        SnapshotStore store = SnapshotStore.open(dir);
        Random random = new Random(7);
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[100_000];
        try (SnapshotWriter w = store.begin(1_000_000, 9)) {
            OutputStream out = w.outputStream();
            for (int i = 0; i < 50; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
                written.update(chunk);
                // Forced to disk as it goes, never more than one step behind what was written.
                assertThat(w.syncedBytes()).isGreaterThan((i + 1) * 100_000L - SnapshotWriter.SYNC_EVERY_BYTES);
            }
            assertThat(w.syncedBytes()).isGreaterThanOrEqualTo(4 * SnapshotWriter.SYNC_EVERY_BYTES);
            out.close(); // a state machine closing its stream must not break the commit
            w.commit();
        }
        SnapshotFile s = store.newestValid().orElseThrow();
        assertThat(s.size()).isEqualTo(5_000_000);
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        try (InputStream in = s.open()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) read.update(buf, 0, n);
        }
        assertThat(read.digest()).isEqualTo(written.digest());
    }

    @Test
    void abortedOrUncommittedSnapshotLeavesNothing() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir);
        try (SnapshotWriter w = store.begin(5, 1)) {
            w.outputStream().write(1);
            w.abort();
            assertThatThrownBy(() -> w.outputStream().write(2)).isInstanceOf(IOException.class);
        }
        try (SnapshotWriter w = store.begin(6, 1)) {
            w.outputStream().write(1);
        }
        assertThat(store.list()).isEmpty();
        assertThat(store.newestValid()).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void crashLeftoverTempFileIsRemovedOnOpen() throws IOException {
        Files.write(dir.resolve("snapshot-00000000000000000009-1.snap.tmp"), new byte[] {1, 2, 3});
        SnapshotStore store = SnapshotStore.open(dir);
        assertThat(store.list()).isEmpty();
        assertThat(dir.resolve("snapshot-00000000000000000009-1.snap.tmp")).doesNotExist();
    }

    @Test
    void damagedNewestFallsBackToTheOlderOne() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir);
        write(store, 10, 1, "older snapshot");
        SnapshotFile newest = write(store, 20, 2, "newer snapshot");
        flipByte(newest.path(), 3);

        assertThat(store.newestValid()).get().extracting(SnapshotFile::index).isEqualTo(10L);
        assertThat(read(store.newestValid().orElseThrow())).isEqualTo("older snapshot");
    }

    @Test
    void snapshotCutShortIsDamaged() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir);
        write(store, 10, 1, "older snapshot");
        SnapshotFile newest = write(store, 20, 2, "newer snapshot");
        try (RandomAccessFile f = new RandomAccessFile(newest.path().toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        assertThat(newest.damage()).isPresent();
        assertThat(store.newestValid()).get().extracting(SnapshotFile::index).isEqualTo(10L);
    }

    @Test
    void noIntactSnapshotMeansNone() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir);
        SnapshotFile only = write(store, 10, 1, "x");
        flipByte(only.path(), 0);
        assertThat(store.newestValid()).isEmpty();
    }

    @Test
    void purgeKeepsTheNewestIntactOnesAndDropsTheRest() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir);
        for (long i = 1; i <= 5; i++) write(store, i * 10, 1, "snapshot " + i);
        flipByte(store.list().get(4).path(), 2); // the newest (50) is damaged

        int deleted = store.purge(2);

        assertThat(deleted).isEqualTo(3);
        assertThat(store.list()).extracting(SnapshotFile::index).containsExactly(30L, 40L);
        assertThat(store.newestValid()).get().extracting(SnapshotFile::index).isEqualTo(40L);
    }

    @Test
    void listingIgnoresOtherFilesAndOrdersByIndex() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir);
        write(store, 100, 2, "b");
        write(store, 9, 1, "a");
        Files.writeString(dir.resolve("notes.txt"), "not a snapshot");
        assertThat(store.list()).extracting(SnapshotFile::index).containsExactly(9L, 100L);
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
    }
}
