package dev.meerkat.core.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer process killed with SIGKILL in the middle of appending: every entry it reported synced is
 * there after reopening, and nothing else but an intact prefix of what it wrote.
 * (SIGKILL keeps the page cache, so this checks Chronicle's and our recovery, not the fsyncs.)
 */
class ChronicleLogStoreCrashTest {

    @TempDir
    Path dir;

    static LogEntry expected(long index) {
        return new LogEntry(index, 1 + index / 1000, EntryKind.COMMAND,
                ("entry " + index + " ").repeat(1 + (int) (index % 7)).getBytes(StandardCharsets.UTF_8));
    }

    /** The process that gets killed: appends batches forever, printing each synced index. */
    public static final class Writer {
        public static void main(String[] args) {
            ChronicleLogStore log = ChronicleLogStore.open(Path.of(args[0]));
            long next = log.lastIndex() + 1;
            while (true) {
                List<LogEntry> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) batch.add(expected(next++));
                log.append(batch);
                log.sync();
                System.out.println("synced " + (next - 1));
                System.out.flush();
            }
        }
    }

    @Test
    void killedWriterLosesNothingItSynced() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-D")) command.add(arg);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString()));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).start();

        long synced = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("synced ")) {
                    synced = Long.parseLong(line.substring(7));
                    if (synced >= 5_000) {
                        // SIGKILL on Unix. It also closes our end of the pipe, so later reports are not
                        // seen; the writer may have synced more than this, never less.
                        writer.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(synced).as("writer reported progress").isGreaterThanOrEqualTo(5_000);

        try (ChronicleLogStore log = ChronicleLogStore.open(dir)) {
            assertThat(log.lastIndex()).isGreaterThanOrEqualTo(synced);
            for (long i = 1; i <= log.lastIndex(); i += 500) {
                long to = Math.min(i + 500, log.lastIndex() + 1);
                List<LogEntry> read = log.entries(i, to, Long.MAX_VALUE);
                for (LogEntry e : read) assertThat(e).isEqualTo(expected(e.index()));
                assertThat(read).hasSize((int) (to - i));
            }
            // And the log takes new writes where the dead writer stopped.
            log.append(List.of(expected(log.lastIndex() + 1)));
            log.sync();
        }
    }
}
