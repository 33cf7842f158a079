package dev.meerkat.core.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void createsAMissingDirectoryWithItsLayout() throws IOException {
        Path data = tmp.resolve("a/b/data");
        try (DataDirectory dd = DataDirectory.open(data)) {
            assertThat(dd.root()).isEqualTo(data);
            assertThat(dd.logDirectory()).isEqualTo(data.resolve("log")).isDirectory();
            assertThat(dd.snapshotDirectory()).isEqualTo(data.resolve("snapshots")).isDirectory();
            assertThat(Files.readString(data.resolve("FORMAT"))).isEqualTo("meerkat-data-format=1\n");
            assertThat(data.resolve("LOCK")).exists();
        }
    }

    @Test
    void reopensItsOwnDirectoryAfterClose() {
        Path data = tmp.resolve("data");
        DataDirectory.open(data).close();
        try (DataDirectory dd = DataDirectory.open(data)) {
            assertThat(dd.logDirectory()).isDirectory();
        }
    }

    @Test
    void secondServerOnTheSameDirectoryIsRefused() {
        Path data = tmp.resolve("data");
        try (DataDirectory first = DataDirectory.open(data)) {
            assertThatThrownBy(() -> DataDirectory.open(data))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContaining("data directory " + data + " is in use by another Meerkat process");
        }
        // Released on close: the next server gets it.
        DataDirectory.open(data).close();
    }

    @Test
    void separateLogDirectoryIsUsedAndLockedToo() {
        Path data = tmp.resolve("data");
        Path txlog = tmp.resolve("txlog");
        try (DataDirectory dd = DataDirectory.open(data, txlog)) {
            assertThat(dd.logDirectory()).isEqualTo(txlog).isDirectory();
            assertThat(data.resolve("log")).doesNotExist();
            assertThatThrownBy(() -> DataDirectory.open(tmp.resolve("other"), txlog))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContaining("data log directory " + txlog + " is in use by another Meerkat process");
        }
        // The failed open above must not keep the other directory locked.
        DataDirectory.open(tmp.resolve("other")).close();
    }

    @Test
    void futureFormatIsRefusedWithAnUpgradeHint() throws IOException {
        Path data = tmp.resolve("data");
        DataDirectory.open(data).close();
        Files.writeString(data.resolve("FORMAT"), "meerkat-data-format=2\n");

        assertThatThrownBy(() -> DataDirectory.open(data))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining("has data format 2, written by a newer Meerkat")
                .hasMessageContaining("Upgrade Meerkat");
        // The refusal released the lock.
        Files.writeString(data.resolve("FORMAT"), "meerkat-data-format=1\n");
        DataDirectory.open(data).close();
    }

    @Test
    void damagedFormatFileIsRefused() throws IOException {
        Path data = tmp.resolve("data");
        DataDirectory.open(data).close();
        Files.writeString(data.resolve("FORMAT"), "garbage");
        assertThatThrownBy(() -> DataDirectory.open(data))
                .isInstanceOf(DataDirectoryException.class).hasMessageContaining("FORMAT is damaged");
    }

    @Test
    void foreignDirectoryWithoutFormatIsNotTakenOver() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("zookeeper-data"));
        Files.createDirectories(data.resolve("version-2"));
        assertThatThrownBy(() -> DataDirectory.open(data))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining("is not a Meerkat data directory")
                .hasMessageContaining("version-2");
        assertThat(data.resolve("FORMAT")).doesNotExist();
    }

    @Test
    void pathUnderARegularFileCannotBeCreated() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThatThrownBy(() -> DataDirectory.open(file.resolve("data")))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining("cannot create data directory " + file.resolve("data"));
    }

    @Test
    void regularFileIsNotADataDirectory() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThatThrownBy(() -> DataDirectory.open(file))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining("exists but is not a directory");
    }

    @Test
    void readOnlyDirectoryIsRefused() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("readonly"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // root writes regardless of permission bits; the parent-is-a-file test covers that case.
            assumeTrue(!Files.isWritable(data), "running with privileges that ignore permission bits");
            assertThatThrownBy(() -> DataDirectory.open(data))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContaining("is not writable by this process");
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
