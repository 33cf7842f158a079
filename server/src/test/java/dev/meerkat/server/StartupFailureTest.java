package dev.meerkat.server;

import dev.meerkat.core.storage.DataDirectoryException;
import dev.meerkat.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A server that cannot run says why, plainly, and does not start half-way. */
class StartupFailureTest {

    private static ServerConfig onDisk(Path dir) {
        return Meerkat.embeddedConfig(dir);
    }

    @Test
    void secondServerOnTheSameDataDirectoryIsRefused(@TempDir Path dir) {
        try (Meerkat first = Meerkat.start(onDisk(dir))) {
            assertThatThrownBy(() -> Meerkat.start(onDisk(dir)))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContaining("in use by another Meerkat process");
            assertThat(first.node().isRunning()).isTrue();
        }
        // Once the first is gone the directory is free again.
        try (Meerkat again = Meerkat.start(onDisk(dir))) {
            assertThat(again.port()).isPositive();
        }
    }

    @Test
    void dataDirectoryOfAFutureFormatIsRefused(@TempDir Path dir) throws Exception {
        try (Meerkat m = Meerkat.start(onDisk(dir))) {
            assertThat(m.port()).isPositive();
        }
        Files.writeString(dir.resolve("FORMAT"), "meerkat-data-format=99\n");
        assertThatThrownBy(() -> Meerkat.start(onDisk(dir)))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining("99");
    }

    @Test
    void dataDirectoryUnderARegularFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> Meerkat.start(onDisk(file.resolve("data"))))
                .isInstanceOf(DataDirectoryException.class);
    }

    @Test
    void mainExitsWithTheFileAndLineOfABadConfig(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), "tickTime=2000\nclientPort=abc\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute(cfg.toString());
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(cfg + ":2: clientPort must be a whole number, not 'abc'");
    }

    @Test
    void mainExitsWhenTheDataDirectoryIsInUse(@TempDir Path dir) {
        try (Meerkat first = Meerkat.start(onDisk(dir))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream old = System.err;
            int code;
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                code = new CommandLine(new Main()).execute("--port", "0", "--data-dir", dir.toString());
            } finally {
                System.setErr(old);
            }
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("in use by another Meerkat process");
        }
    }
}
