package dev.meerkat.server.migrate;

import dev.meerkat.core.log.ChronicleLogStore;
import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.storage.DataDirectory;
import dev.meerkat.core.storage.Fsync;
import dev.meerkat.core.storage.SnapshotFile;
import dev.meerkat.core.storage.SnapshotStore;
import dev.meerkat.core.storage.SnapshotWriter;
import net.openhft.chronicle.core.time.SetTimeProvider;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes imported state into a Meerkat data directory (and its separate log directory, if any)
 * so that it is there whole or not at all.
 *
 * <p>Everything is first written, through Meerkat's own storage classes, into a staging directory
 * {@code .meerkat-import} inside each target; then the entries move up one by one, the
 * {@code FORMAT} file last. Until that last rename the target holds files but no {@code FORMAT},
 * which Meerkat refuses to start on ("not a Meerkat data directory"), so an interrupted import can
 * never be mistaken for an empty server. A re-run finds the staging directory and starts over.
 *
 * <p>The state becomes a snapshot at index {@code index}, term 0, and the log is reset to start
 * right after it ({@code LogStore.resetToSnapshot}), so Meerkat's next zxid is {@code index + 1}.
 * The log is written with a clock fixed by the caller (derived from the data), so the same import
 * writes the same bytes (servers of an ensemble can each import the same ZooKeeper data); Meerkat's
 * own appends later go to files of the real date.
 */
final class ImportTarget {
    static final String STAGING = ".meerkat-import";
    /** DataDirectory's layout: the lock a running server holds, and the file that makes a directory Meerkat's. */
    static final String LOCK = "LOCK";
    static final String FORMAT = "FORMAT";
    private static final Set<String> NOT_CONTENT = Set.of(LOCK, STAGING, "lost+found");
    static final long TERM = 0;

    enum Kind { EMPTY, MEERKAT, INTERRUPTED_IMPORT, FOREIGN }

    private final Path root;
    private final Path logDir;

    /** {@code logDir} null keeps the log inside the data directory, as Meerkat does without dataLogDir. */
    ImportTarget(Path dataDir, Path logDir) {
        this.root = dataDir.toAbsolutePath().normalize();
        Path l = logDir == null ? null : logDir.toAbsolutePath().normalize();
        this.logDir = root.equals(l) ? null : l;
    }

    Path root() {
        return root;
    }

    private List<Path> dirs() {
        return logDir == null ? List.of(root) : List.of(logDir, root);
    }

    /** True when {@code other} is one of the target's directories, inside one, or holds one. */
    boolean overlaps(Path other) {
        Path o = other.toAbsolutePath().normalize();
        for (Path d : dirs()) if (d.startsWith(o) || o.startsWith(d)) return true;
        return false;
    }

    /** What the target holds now: the worst of the data and the log directory. */
    Kind kind() throws IOException {
        Kind worst = Kind.EMPTY;
        for (Path d : dirs()) {
            Kind k = kindOf(d);
            if (k.ordinal() > worst.ordinal()) worst = k;
        }
        return worst;
    }

    private static Kind kindOf(Path dir) throws IOException {
        if (!Files.exists(dir)) return Kind.EMPTY;
        if (!Files.isDirectory(dir)) return Kind.FOREIGN;
        if (Files.exists(dir.resolve(FORMAT))) return Kind.MEERKAT;
        List<String> content = content(dir);
        if (content.isEmpty()) return Files.exists(dir.resolve(STAGING)) ? Kind.INTERRUPTED_IMPORT : Kind.EMPTY;
        return Files.exists(dir.resolve(STAGING)) ? Kind.INTERRUPTED_IMPORT : Kind.FOREIGN;
    }

    /** A few entries of the directory, for messages. */
    String describeContent() throws IOException {
        List<String> all = new ArrayList<>();
        for (Path d : dirs()) {
            if (Files.isDirectory(d)) for (String n : content(d)) all.add(d.resolve(n).toString());
        }
        return all.size() <= 5 ? all.toString() : all.subList(0, 5) + " and " + (all.size() - 5) + " more";
    }

    /** Holds the OS lock a running Meerkat holds on {@code LOCK}, for as long as the import writes. */
    AutoCloseable lock() throws MigrationException {
        List<FileChannel> channels = new ArrayList<>();
        try {
            for (Path d : dirs()) {
                Files.createDirectories(d);
                FileChannel ch = FileChannel.open(d.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                channels.add(ch);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    throw new MigrationException(MigrationException.TARGET_IN_USE, d + " is in use by a running Meerkat (its LOCK is held); stop it first");
                }
            }
        } catch (IOException e) {
            closeAll(channels);
            throw new MigrationException(MigrationException.BAD_INPUT, "cannot lock " + root + ": " + e.getMessage(), e);
        } catch (MigrationException e) {
            closeAll(channels);
            throw e;
        }
        return () -> closeAll(channels);
    }

    /**
     * Writes the state into the staging directories and returns the staged snapshot file. Nothing
     * outside {@code .meerkat-import} changes.
     */
    Path stage(StateMachine state, long logClockMillis, java.util.function.LongConsumer bytesWritten) throws IOException {
        for (Path d : dirs()) deleteTree(d.resolve(STAGING));
        Path stagedRoot = root.resolve(STAGING);
        Path stagedLog = logDir == null ? null : logDir.resolve(STAGING);
        long index = state.lastApplied();
        try (DataDirectory dir = DataDirectory.open(stagedRoot, stagedLog)) {
            SnapshotStore store = SnapshotStore.open(dir.snapshotDirectory());
            SnapshotFile file;
            try (SnapshotWriter writer = store.begin(index, TERM)) {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new java.io.FilterOutputStream(writer.outputStream()) {
                    private long n;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        bytesWritten.accept(n += len);
                    }
                }, 1 << 16));
                SnapshotCodec.write(state, TERM, out);
                out.flush();
                file = writer.commit();
            }
            Optional<String> damage = file.damage();
            if (damage.isPresent()) throw new IOException("the snapshot just written does not read back: " + damage.get());
            try (ChronicleLogStore log = ChronicleLogStore.open(dir.logDirectory(),
                    new ChronicleLogStore.Options(ChronicleLogStore.Options.defaults().rollCycle(),
                    new SetTimeProvider(java.time.Instant.ofEpochMilli(logClockMillis))))) {
                log.resetToSnapshot(index, TERM);
            }
            return file.path();
        }
    }

    /** The snapshot files the target holds now (in its snapshots directory). */
    List<Path> currentSnapshots() throws IOException {
        Path dir = root.resolve("snapshots");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * True when the target already holds exactly what was staged: the same snapshot bytes and a log
     * nobody appended to since (a re-run of the same import).
     */
    boolean holdsSameAs(Path stagedSnapshot) throws IOException {
        List<Path> snaps = currentSnapshots();
        if (snaps.size() != 1 || !snaps.get(0).getFileName().equals(stagedSnapshot.getFileName())) return false;
        if (Files.mismatch(snaps.get(0), stagedSnapshot) != -1) return false;
        for (Path d : dirs()) {
            Path stagedDir = d.resolve(STAGING);
            // The log: the same files with the same bytes (the import writes them deterministically).
            List<Path> staged = files(stagedDir, stagedDir);
            List<Path> present = files(d, d);
            List<Path> expected = new ArrayList<>();
            for (Path p : staged) if (!p.getFileName().toString().equals(LOCK)) expected.add(p);
            List<Path> actual = new ArrayList<>();
            for (Path p : present) if (!p.getFileName().toString().equals(LOCK) && !p.startsWith(STAGING)) actual.add(p);
            if (!expected.equals(actual)) return false;
            for (Path p : expected) if (Files.mismatch(stagedDir.resolve(p), d.resolve(p)) != -1) return false;
        }
        return true;
    }

    /** Replaces the target's content with the staged data; FORMAT goes in last. */
    void commit() throws IOException {
        for (Path d : dirs()) {
            // Old content first, FORMAT before anything else: from now on no Meerkat starts here.
            Files.deleteIfExists(d.resolve(FORMAT));
            Fsync.directory(d);
            for (String name : content(d)) deleteTree(d.resolve(name));
        }
        for (Path d : dirs()) {
            Path staged = d.resolve(STAGING);
            for (String name : content(staged)) {
                if (name.equals(FORMAT)) continue;
                Files.move(staged.resolve(name), d.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            Fsync.directory(d);
            Files.move(staged.resolve(FORMAT), d.resolve(FORMAT), StandardCopyOption.ATOMIC_MOVE);
            Fsync.directory(d);
        }
        discardStaging();
    }

    /** Removes what staging wrote; the target itself is untouched. */
    void discardStaging() {
        for (Path d : dirs()) {
            try {
                deleteTree(d.resolve(STAGING));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + d.resolve(STAGING), e);
            }
        }
    }

    private static List<String> content(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !NOT_CONTENT.contains(n)).sorted().toList();
        }
    }

    /** Regular files under {@code dir}, relative to {@code base}, sorted. */
    private static List<Path> files(Path dir, Path base) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(base::relativize).sorted().toList();
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    private static void closeAll(List<FileChannel> channels) {
        for (FileChannel c : channels) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the lock goes with the channel
            }
        }
    }
}
