package dev.meerkat.server.migrate.zookeeper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Where ZooKeeper keeps its files and how it names them: {@code <dataDir>/version-2/snapshot.<zxid
 * in hex>[.gz|.snappy]} and {@code <dataLogDir>/version-2/log.<first zxid in hex>}; which of them it
 * picks, and its quick validity check of a snapshot ({@code SnapStream.isValidSnapshot}).
 */
public final class ZkFiles {
    public static final String VERSION_DIR = "version-2";
    public static final String SNAPSHOT_PREFIX = "snapshot";
    public static final String LOG_PREFIX = "log";
    /** "ZKSN" and "ZKLG" read as big-endian ints. */
    static final int SNAPSHOT_MAGIC = 0x5a4b534e;
    static final int LOG_MAGIC = 0x5a4b4c47;
    static final int FORMAT_VERSION = 2;
    /** ZooKeeper tries this many of the newest snapshots before it gives up. */
    static final int SNAPSHOTS_TRIED = 100;
    private static final byte[] SNAPPY_MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};

    private ZkFiles() {
    }

    /** A snapshot or log file and the zxid in its name. */
    public record ZkFile(Path path, long zxid) {
        @Override
        public String toString() {
            return path.getFileName().toString();
        }
    }

    /**
     * The directory holding the files: {@code dir/version-2}, or {@code dir} itself when it already
     * is one (holds snapshot or log files and no version-2).
     */
    public static Path versionDir(Path dir) {
        Path v = dir.resolve(VERSION_DIR);
        if (Files.isDirectory(v)) return v;
        if (Files.isDirectory(dir) && (!list(dir, SNAPSHOT_PREFIX).isEmpty() || !list(dir, LOG_PREFIX).isEmpty())) return dir;
        return v;
    }

    /** Snapshots, newest first (ZooKeeper's order when it looks for one to load). */
    public static List<ZkFile> snapshots(Path versionDir) {
        List<ZkFile> s = new ArrayList<>(list(versionDir, SNAPSHOT_PREFIX));
        s.sort(Comparator.comparingLong(ZkFile::zxid).reversed());
        return s;
    }

    /** Every transaction log, oldest first. */
    public static List<ZkFile> logs(Path versionDir) {
        List<ZkFile> l = new ArrayList<>(list(versionDir, LOG_PREFIX));
        l.sort(Comparator.comparingLong(ZkFile::zxid));
        return l;
    }

    /**
     * The logs ZooKeeper reads to get from a snapshot at {@code zxid} to the end
     * ({@code FileTxnIterator.init}): every log starting after it and the newest one starting at or
     * before it. Oldest first.
     */
    public static List<ZkFile> logsAfter(Path versionDir, long zxid) {
        List<ZkFile> all = logs(versionDir);
        List<ZkFile> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            out.add(0, all.get(i));
            if (all.get(i).zxid() < zxid + 1) break;
        }
        return out;
    }

    /** ZooKeeper parses the part after the first dot as hex; anything else is not its file. */
    static long zxidOf(String name, String prefix) {
        String[] parts = name.split("\\.");
        if (parts.length < 2 || !parts[0].equals(prefix)) return -1;
        try {
            return Long.parseLong(parts[1], 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static String snapshotName(long zxid) {
        return SNAPSHOT_PREFIX + "." + Long.toHexString(zxid);
    }

    enum Compression { NONE, GZIP, SNAPPY }

    /** ZooKeeper picks the stream by the last dot-separated part of the name. */
    static Compression compressionOf(Path file) {
        String[] parts = file.getFileName().toString().split("\\.");
        if (parts.length > 1) {
            String ext = parts[parts.length - 1].toLowerCase(Locale.ROOT);
            if (ext.equals("gz")) return Compression.GZIP;
            if (ext.equals("snappy")) return Compression.SNAPPY;
        }
        return Compression.NONE;
    }

    /**
     * ZooKeeper's quick check before it tries a snapshot: a plain one must end with its seal's "/"
     * (an int 1 and the byte '/'); a compressed one must start with the format's magic bytes.
     *
     * @return empty when the file passes, otherwise why not
     */
    static String quickCheck(ZkFile f) {
        try (RandomAccessFile raf = new RandomAccessFile(f.path().toFile(), "r")) {
            switch (compressionOf(f.path())) {
                case GZIP -> {
                    byte[] b = new byte[2];
                    if (raf.read(b) != 2 || (b[0] & 0xff | (b[1] & 0xff) << 8) != GZIPInputStream.GZIP_MAGIC) return "not a gzip stream";
                }
                case SNAPPY -> {
                    byte[] b = new byte[SNAPPY_MAGIC.length];
                    if (raf.read(b) != b.length || !java.util.Arrays.equals(b, SNAPPY_MAGIC)) return "not a snappy stream";
                }
                case NONE -> {
                    if (raf.length() < 10) return "only " + raf.length() + " bytes long";
                    raf.seek(raf.length() - 5);
                    int len = raf.readInt();
                    int b = raf.read();
                    if (len != 1 || b != '/') return "does not end with a seal (cut short or still being written)";
                }
            }
            return "";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /** The decompressed content of a snapshot file. */
    static InputStream open(Path file, InputStream raw) throws IOException {
        InputStream buffered = new BufferedInputStream(raw, 1 << 16);
        return switch (compressionOf(file)) {
            case GZIP -> new GZIPInputStream(buffered, 1 << 16);
            case SNAPPY -> new org.xerial.snappy.SnappyInputStream(buffered);
            case NONE -> buffered;
        };
    }

    private static List<ZkFile> list(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> new ZkFile(p, zxidOf(p.getFileName().toString(), prefix)))
                    .filter(f -> f.zxid() >= 0)
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + dir, e);
        }
    }
}
