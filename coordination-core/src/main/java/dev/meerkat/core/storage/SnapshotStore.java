package dev.meerkat.core.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The snapshot files of one server. Their content is the state machine's business; this class makes
 * sure a snapshot is either wholly there and intact or not used at all.
 *
 * <p>Single-threaded like the log: the node's snapshot task is the only writer.
 */
public final class SnapshotStore {

    static final String TEMP_SUFFIX = ".tmp";
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final Comparator<SnapshotFile> OLDEST_FIRST =
            Comparator.comparingLong(SnapshotFile::index).thenComparingLong(SnapshotFile::term);

    private final Path dir;

    private SnapshotStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating if needed) the store in {@code dir}, removing temp files a crash left behind. */
    public static SnapshotStore open(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(TEMP_SUFFIX)).toList()) {
                    LOG.info("removing unfinished snapshot {}", f);
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open snapshot directory " + dir, e);
        }
        return new SnapshotStore(dir);
    }

    public Path directory() {
        return dir;
    }

    /** Starts a snapshot of the state after applying entry {@code index} of term {@code term}. */
    public SnapshotWriter begin(long index, long term) {
        if (index < 0 || term < 0) throw new IllegalArgumentException("index and term must be >= 0");
        return new SnapshotWriter(dir, index, term);
    }

    /** Every committed snapshot file, oldest first, without checking its content. */
    public List<SnapshotFile> list() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(SnapshotFile::parse).flatMap(Optional::stream).sorted(OLDEST_FIRST).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshot directory " + dir, e);
        }
    }

    /**
     * The newest snapshot whose checksum holds. A damaged newer one is skipped with a warning: an
     * older snapshot plus the log is still a correct state, whereas a damaged one is not.
     */
    public Optional<SnapshotFile> newestValid() {
        List<SnapshotFile> all = new ArrayList<>(list());
        for (int i = all.size() - 1; i >= 0; i--) {
            SnapshotFile s = all.get(i);
            Optional<String> damage = s.damage();
            if (damage.isEmpty()) return Optional.of(s);
            LOG.warn("snapshot {} is damaged ({}); falling back to an older one", s.path(), damage.get());
        }
        return Optional.empty();
    }

    /**
     * Keeps the newest {@code retainCount} intact snapshots and deletes every other snapshot file,
     * damaged ones included.
     *
     * @return how many files were deleted
     */
    public int purge(int retainCount) {
        if (retainCount < 1) throw new IllegalArgumentException("retainCount must be >= 1, or nothing could be recovered");
        List<SnapshotFile> all = new ArrayList<>(list());
        int kept = 0;
        int deleted = 0;
        for (int i = all.size() - 1; i >= 0; i--) {
            SnapshotFile s = all.get(i);
            if (kept < retainCount) {
                Optional<String> damage = s.damage();
                if (damage.isEmpty()) {
                    kept++;
                    continue;
                }
                LOG.warn("deleting damaged snapshot {} ({})", s.path(), damage.get());
            }
            try {
                Files.deleteIfExists(s.path());
                deleted++;
            } catch (IOException e) {
                LOG.warn("cannot delete old snapshot {}: {}", s.path(), e.toString());
            }
        }
        return deleted;
    }
}
