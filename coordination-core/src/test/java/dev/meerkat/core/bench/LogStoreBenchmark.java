package dev.meerkat.core.bench;

import dev.meerkat.core.log.ChronicleLogStore;
import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.LogEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Throughput of {@link ChronicleLogStore} under group commit, and its recovery time. Not a test: run
 * it by hand, with the JVM flags Chronicle needs (the parent pom's {@code jdk.internals.args}):
 * <pre>
 *   java $JDK_INTERNALS_ARGS -cp coordination-core/target/test-classes:coordination-core/target/classes:$CP \
 *        dev.meerkat.core.bench.LogStoreBenchmark [work-dir] [seconds-per-batch-size] [recovery-entries]
 * </pre>
 * The work directory must be on the disk you care about: a tmpfs makes every sync free.
 */
public final class LogStoreBenchmark {

    private static final int ENTRY_BYTES = 100;

    public static void main(String[] args) throws IOException {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("meerkat-log-bench");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int recoveryEntries = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Files.createDirectories(work);
        System.out.printf("work dir %s, %d-byte entries, %.1f s per batch size%n", work, ENTRY_BYTES, seconds);

        byte[] data = new byte[ENTRY_BYTES];
        new Random(1).nextBytes(data);

        fsyncBaseline(work, seconds);
        for (int batch : new int[] {1, 16, 256}) {
            Path dir = Files.createTempDirectory(work, "group-commit-" + batch + "-");
            try (ChronicleLogStore log = ChronicleLogStore.open(dir)) {
                runGroupCommit(log, batch, data, 0.5); // warm-up: JIT, page faults of the first chunk
                Result r = runGroupCommit(log, batch, data, seconds);
                System.out.printf("batch %4d: %,10.0f appends/s  %,8.0f syncs/s  (%,d entries, %,d syncs, mean sync+append %.3f ms)%n",
                        batch, r.entries / r.seconds, r.syncs / r.seconds, r.entries, r.syncs, r.seconds * 1000 / r.syncs);
            }
            delete(dir);
        }

        Path dir = Files.createTempDirectory(work, "recovery-");
        long writeStart = System.nanoTime();
        try (ChronicleLogStore log = ChronicleLogStore.open(dir)) {
            List<LogEntry> batch = new ArrayList<>(1024);
            for (long i = 1; i <= recoveryEntries; i++) {
                batch.add(new LogEntry(i, 1, EntryKind.COMMAND, data));
                if (batch.size() == 1024 || i == recoveryEntries) {
                    log.append(batch);
                    batch.clear();
                }
            }
            log.sync();
        }
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        System.out.printf("wrote %,d entries unsynced-then-one-sync in %.2f s (%,.0f appends/s)%n",
                recoveryEntries, writeSeconds, recoveryEntries / writeSeconds);
        for (int run = 1; run <= 3; run++) {
            long t0 = System.nanoTime();
            try (ChronicleLogStore log = ChronicleLogStore.open(dir)) {
                double openMs = (System.nanoTime() - t0) / 1e6;
                long r0 = System.nanoTime();
                int read = 0;
                for (long i = log.lastIndex() - 10_000 + 1; i <= log.lastIndex(); i += 100) {
                    read += log.entries(i, i + 100, Long.MAX_VALUE).size();
                }
                double readMs = (System.nanoTime() - r0) / 1e6;
                System.out.printf("recovery run %d: open of %,d entries took %.0f ms; then read the last %,d in %.1f ms%n",
                        run, log.lastIndex(), openMs, read, readMs);
            }
        }
        delete(dir);
    }

    private record Result(long entries, long syncs, double seconds) {
    }

    private static Result runGroupCommit(ChronicleLogStore log, int batchSize, byte[] data, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long entries = 0;
        long syncs = 0;
        List<LogEntry> batch = new ArrayList<>(batchSize);
        long next = log.lastIndex() + 1;
        while (System.nanoTime() < deadline) {
            batch.clear();
            for (int i = 0; i < batchSize; i++) batch.add(new LogEntry(next++, 1, EntryKind.COMMAND, data));
            log.append(batch);
            log.sync();
            entries += batchSize;
            syncs++;
        }
        return new Result(entries, syncs, (System.nanoTime() - start) / 1e9);
    }

    /** What the disk itself allows: one 128-byte write plus fdatasync per round, no Chronicle involved. */
    private static void fsyncBaseline(Path work, double seconds) throws IOException {
        Path file = work.resolve("fsync-baseline");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(128);
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long start = System.nanoTime();
            long rounds = 0;
            while (System.nanoTime() < deadline) {
                buf.clear();
                ch.write(buf);
                ch.force(false);
                rounds++;
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("baseline  : %,10.0f write+fdatasync/s on this disk%n", rounds / s);
        }
        Files.deleteIfExists(file);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
