package dev.meerkat.core.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A server's data directory, held for as long as the server runs.
 *
 * <p>Layout: {@code LOCK} (held with an OS file lock, so two servers can never write the same log),
 * {@code FORMAT} (the on-disk format version, so an older Meerkat refuses data it cannot read rather
 * than misreading it), {@code log/} and {@code snapshots/}. A separate log directory (ZooKeeper's
 * {@code dataLogDir}, typically on its own disk for fsync latency) gets its own {@code LOCK} and
 * {@code FORMAT}.
 */
public final class DataDirectory implements AutoCloseable {

    /** The on-disk format this code writes and reads. Bump it when old code could misread new data. */
    public static final int FORMAT_VERSION = 1;
    static final String LOCK_FILE = "LOCK";
    static final String FORMAT_FILE = "FORMAT";
    /** Which server of an ensemble this directory belongs to, so that a swapped myid or directory is caught. */
    static final String SERVER_FILE = "SERVER";
    private static final String SERVER_KEY = "meerkat-server-id=";
    private static final String FORMAT_KEY = "meerkat-data-format=";
    /** Entries that may sit in a fresh directory, e.g. the root of a freshly made file system. */
    private static final Set<String> TOLERATED_IN_NEW_DIRECTORY = Set.of(LOCK_FILE, FORMAT_FILE + ".tmp", "lost+found",
            "myid", SERVER_FILE);

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

    private final Path root;
    private final Path logDirectory;
    private final Path snapshotDirectory;
    private final List<FileLock> locks;

    private DataDirectory(Path root, Path logDirectory, Path snapshotDirectory, List<FileLock> locks) {
        this.root = root;
        this.logDirectory = logDirectory;
        this.snapshotDirectory = snapshotDirectory;
        this.locks = locks;
    }

    /** Opens {@code dataDir} with the log inside it, in {@code log/}. */
    public static DataDirectory open(Path dataDir) {
        return open(dataDir, null);
    }

    /**
     * Opens {@code dataDir}, creating it if missing, with the log in {@code dataLogDir} when that is
     * given (and not the same directory) or in {@code dataDir/log} otherwise.
     *
     * @throws DataDirectoryException when a directory cannot be created or written, is locked by
     *                                another process, or holds a format this version does not know
     */
    public static DataDirectory open(Path dataDir, Path dataLogDir) {
        Path root = dataDir.toAbsolutePath().normalize();
        Path separateLog = dataLogDir == null ? null : dataLogDir.toAbsolutePath().normalize();
        if (root.equals(separateLog)) separateLog = null;
        List<FileLock> locks = new ArrayList<>();
        try {
            locks.add(claim(root, "data directory"));
            Path log = root.resolve("log");
            if (separateLog != null) {
                locks.add(claim(separateLog, "data log directory"));
                log = separateLog;
            }
            Path snapshots = root.resolve("snapshots");
            createDirectory(log, "log directory");
            createDirectory(snapshots, "snapshot directory");
            Fsync.directory(root);
            LOG.info("data directory {} opened (format {}), log in {}", root, FORMAT_VERSION, log);
            return new DataDirectory(root, log, snapshots, locks);
        } catch (RuntimeException e) {
            release(locks);
            throw e;
        }
    }

    public Path root() {
        return root;
    }

    /** Where the Raft log lives: {@code log/}, or the separate data log directory. */
    public Path logDirectory() {
        return logDirectory;
    }

    public Path snapshotDirectory() {
        return snapshotDirectory;
    }

    /**
     * Records that this directory holds server {@code id}'s data, or checks that it does: the log
     * of one server must never be started as another's (two servers with one history, or one
     * server with two, break Raft's guarantees).
     */
    public void claimServer(long id) {
        Path file = root.resolve(SERVER_FILE);
        try {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (!text.equals(SERVER_KEY + id)) {
                    throw new DataDirectoryException("data directory " + root + " holds the data of " + text.replace(SERVER_KEY, "server ")
                            + ", but this server is server " + id + " (check myid, or give each server its own dataDir)");
                }
                return;
            }
            Path temp = root.resolve(SERVER_FILE + ".tmp");
            Files.write(temp, (SERVER_KEY + id + "\n").getBytes(StandardCharsets.US_ASCII));
            Fsync.file(temp);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fsync.directory(root);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot record the server id in " + file + ": " + describe(e), e);
        }
    }

    /** Releases the locks; another process may then open the directory. */
    @Override
    public void close() {
        release(locks);
    }

    // ----------------------------------------------------------------

    /** Creates, checks writability, locks and checks the format of one directory. */
    private static FileLock claim(Path dir, String what) {
        createDirectory(dir, what);
        probeWritable(dir, what);
        FileLock lock = lock(dir, what);
        try {
            checkFormat(dir, what);
            return lock;
        } catch (RuntimeException e) {
            release(List.of(lock));
            throw e;
        }
    }

    private static void createDirectory(Path dir, String what) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new DataDirectoryException(what + " " + dir + " exists but is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot create " + what + " " + dir + ": " + describe(e), e);
        }
    }

    /** Permission bits say little (root ignores them, ACLs and read-only mounts are invisible): try it. */
    private static void probeWritable(Path dir, String what) {
        Path probe = dir.resolve(".write-probe");
        try {
            Files.write(probe, new byte[] {0});
            Files.delete(probe);
        } catch (IOException e) {
            throw new DataDirectoryException(what + " " + dir + " is not writable by this process: " + describe(e), e);
        }
    }

    private static FileLock lock(Path dir, String what) {
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM, e.g. a second embedded server
            }
            if (lock == null) {
                channel.close();
                throw new DataDirectoryException(what + " " + dir + " is in use by another Meerkat process (" + lockFile + " is locked)");
            }
            // The pid is for the operator wondering who holds it; the OS lock is what counts.
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return lock;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataDirectoryException("cannot lock " + what + " " + dir + ": " + describe(e), e);
        }
    }

    private static void checkFormat(Path dir, String what) {
        Path format = dir.resolve(FORMAT_FILE);
        if (!Files.exists(format)) {
            refuseForeignContent(dir, what);
            writeFormat(dir, format);
            return;
        }
        String text;
        try {
            text = Files.readString(format, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read " + format + ": " + describe(e), e);
        }
        int version;
        try {
            if (!text.startsWith(FORMAT_KEY)) throw new NumberFormatException(text);
            version = Integer.parseInt(text.substring(FORMAT_KEY.length()).trim());
        } catch (NumberFormatException e) {
            throw new DataDirectoryException(format + " is damaged (expected '" + FORMAT_KEY + "<n>', found '" + text + "')");
        }
        if (version > FORMAT_VERSION) {
            throw new DataDirectoryException(what + " " + dir + " has data format " + version
                    + ", written by a newer Meerkat; this version reads format " + FORMAT_VERSION + " and older. Upgrade Meerkat.");
        }
        if (version < 1) {
            throw new DataDirectoryException(format + " names an unknown data format " + version);
        }
    }

    /** A directory with files but no FORMAT is someone else's (a ZooKeeper dataDir, a typo): do not write into it. */
    private static void refuseForeignContent(Path dir, String what) {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> foreign = entries.map(p -> p.getFileName().toString())
                    .filter(n -> !TOLERATED_IN_NEW_DIRECTORY.contains(n)).sorted().limit(5).toList();
            if (!foreign.isEmpty()) {
                throw new DataDirectoryException(what + " " + dir + " is not empty and has no " + FORMAT_FILE
                        + " file, so it is not a Meerkat data directory (it contains " + foreign + ")");
            }
        } catch (IOException e) {
            throw new DataDirectoryException("cannot list " + what + " " + dir + ": " + describe(e), e);
        }
    }

    private static void writeFormat(Path dir, Path format) {
        Path temp = dir.resolve(FORMAT_FILE + ".tmp");
        try {
            Files.write(temp, (FORMAT_KEY + FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
            Fsync.file(temp);
            Files.move(temp, format, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fsync.directory(dir);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot write " + format + ": " + describe(e), e);
        }
    }

    private static void release(List<FileLock> locks) {
        for (FileLock lock : locks) {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it as well
            }
            closeQuietly(lock.channel());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the lock dies with the channel or the process
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
