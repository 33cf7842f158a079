package dev.meerkat.core.log;

import dev.meerkat.core.storage.Fsync;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The durable Raft log on Chronicle Queue.
 *
 * <p>Layout of the directory given to {@link #open(Path)}: {@code queue/} holds Chronicle's cycle
 * files ({@code *.cq4}) and its {@code metadata.cq4t}; {@code hardstate} holds Raft's hard state.
 *
 * <p>Every excerpt is one {@link LogRecord} ({@link LogRecordCodec} gives the bytes, with a CRC32C).
 * Chronicle cannot delete or rewrite excerpts, so discarding a conflicting suffix appends a TRUNCATE
 * record, and dropping a snapshotted prefix appends a COMPACT record and deletes whole cycle files
 * that hold nothing live. On open the queue is replayed from the start into an in-memory index
 * (Raft index → queue index and term), the last write winning.
 *
 * <p>Durability: appends are in the page cache (Chronicle writes through memory maps) until
 * {@link #sync()}, which fdatasyncs the cycle file being written through a channel kept open on it,
 * any earlier cycle file written since the last sync, and the directory when a new cycle file
 * appeared. On Linux an fdatasync of a file writes back every page dirtied through a shared mapping
 * of it (it is what {@code msync(MS_SYNC)} does there), so the log needs none of Chronicle's own
 * syncing: the queue runs with {@link SyncMode#NONE}, and a server may leave Chronicle without its
 * native POSIX binding (see {@link #preload}).
 *
 * <p>Recovery: the first excerpt that is damaged (checksum, length or kind wrong) ends the log;
 * everything after it is ignored (logged at WARN), and a RECOVERY record appended at the end marks the
 * damaged span so later start-ups skip it and keep what is appended after.
 *
 * <p>Single-threaded, as {@link LogStore} requires.
 */
public final class ChronicleLogStore implements LogStore {

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLogStore.class);
    /** Larger excerpts can only come from a damaged header; refuse them before allocating. */
    private static final int MAX_RECORD_BYTES = 256 << 20;
    private static final int NO_CYCLE = Integer.MIN_VALUE;

    /**
     * How the queue is built.
     *
     * @param rollCycle    how often Chronicle starts a new file; compaction deletes whole files, so
     *                     this bounds how much already-snapshotted log stays on disk
     * @param timeProvider the clock Chronicle rolls by (tests use a settable one to force rolls)
     */
    public record Options(RollCycle rollCycle, TimeProvider timeProvider) {
        public Options {
            Objects.requireNonNull(rollCycle, "rollCycle");
            Objects.requireNonNull(timeProvider, "timeProvider");
        }

        /** Five-minute files: small enough to be reclaimed soon after a snapshot even under heavy write load. */
        public static Options defaults() {
            return new Options(RollCycles.FIVE_MINUTELY, SystemTimeProvider.INSTANCE);
        }
    }

    private final Path dir;
    private final Path queueDir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final ExcerptTailer reader;
    private final RollCycle rollCycle;
    private final LogRecordCodec codec = new LogRecordCodec();
    private final LogState state = new LogState();
    /**
     * What was just appended, so that applying and replicating it does not read it back from the queue.
     * Small: a few batches are all that wait to be applied or sent, and what it holds survives young collections.
     */
    private final RecentEntries recent = new RecentEntries(RECENT_ENTRIES, RECENT_BYTES);
    private static final int RECENT_ENTRIES = 1 << 11;
    private static final long RECENT_BYTES = 2L << 20;
    private final HardStateFile hardStateFile;
    private HardState hardState;

    // What the next sync() owes the disk.
    private boolean unsynced;
    private int writeCycle = NO_CYCLE;
    private Path writeFile;
    /** Open on {@link #writeFile} so that a sync is one system call. */
    private FileChannel writeChannel;
    private boolean newFileSinceSync;
    private final Set<Path> earlierFilesToForce = new LinkedHashSet<>();
    private boolean closed;

    private ChronicleLogStore(Path dir, Options options) {
        this.dir = dir;
        this.queueDir = dir.resolve("queue");
        this.rollCycle = options.rollCycle();
        try {
            Files.createDirectories(queueDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create log directory " + queueDir, e);
        }
        this.hardStateFile = new HardStateFile(dir);
        this.hardState = hardStateFile.load();
        this.queue = SingleChronicleQueueBuilder.single(queueDir.toFile())
                .rollCycle(options.rollCycle())
                .timeProvider(options.timeProvider())
                .syncMode(SyncMode.NONE)
                .build();
        boolean ok = false;
        try {
            this.appender = queue.createAppender();
            this.reader = queue.createTailer();
            // The store is opened on one thread and used by the node's log writer on another.
            appender.singleThreadedCheckDisabled(true);
            reader.singleThreadedCheckDisabled(true);
            // Chronicle just created the directory and its metadata file; make them durable once.
            Fsync.directory(queueDir);
            Fsync.directory(dir);
            recover();
            ok = true;
        } finally {
            if (!ok) queue.close();
        }
    }

    /**
     * Leaves Chronicle without its native POSIX binding, for a process that is a Meerkat server and
     * nothing else. Chronicle binds POSIX calls through jnr-ffi only for its own msync, which this
     * store does not use (it fdatasyncs, see the class comment); on one CPU the binding is a sixth of
     * a cold start (some 300 classes and a native stub library). Process-wide, so an application
     * with Chronicle queues of its own must not call it; call it before anything touches Chronicle.
     */
    public static void withoutNativePosix() {
        net.openhft.posix.PosixAPI.useNoOpPosixApi();
    }

    /**
     * Loads Chronicle Queue ahead of {@link #open}, so a start can do it beside the rest of its work:
     * outside JUnit, Chronicle's {@code Jvm} class binds its POSIX calls through jnr-ffi (unless
     * {@link #withoutNativePosix} came first) and loads JNA for thread affinity when it is first
     * touched, most of it class loading. Safe to call from any thread, any number of times.
     */
    public static void preload() {
        ClassLoader loader = ChronicleLogStore.class.getClassLoader();
        for (String name : new String[]{"net.openhft.chronicle.core.Jvm", "net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder"}) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Chronicle Queue is not on the class path", e);
            }
        }
    }

    /** Opens (creating if needed) the log in {@code dir} with {@link Options#defaults()}. */
    public static ChronicleLogStore open(Path dir) {
        return open(dir, Options.defaults());
    }

    public static ChronicleLogStore open(Path dir, Options options) {
        return new ChronicleLogStore(dir, options);
    }

    // ---------------------------------------------------------------- recovery

    private void recover() {
        long started = System.nanoTime();
        ExcerptTailer scan = queue.createTailer();
        scan.singleThreadedCheckDisabled(true);
        long records = 0;
        long firstBad = -1;
        long ignored = 0;
        long lastQueueIndex = -1;
        int scanCycle = NO_CYCLE;
        try {
            scan.toStart();
            while (true) {
                long queueIndex;
                LogRecord record;
                try (DocumentContext dc = scan.readingDocument()) {
                    if (!dc.isPresent()) break;
                    queueIndex = dc.index();
                    record = decode(dc);
                } catch (RuntimeException e) {
                    // Chronicle itself could not read past this point (a damaged header): nothing after it is usable.
                    LOG.warn("log {}: unreadable excerpt after queue index {}: {}", queueDir, lastQueueIndex, e.toString());
                    if (firstBad < 0) firstBad = lastQueueIndex + 1;
                    break;
                }
                lastQueueIndex = queueIndex;
                records++;
                int cycle = rollCycle.toCycle(queueIndex);
                if (cycle != scanCycle) {
                    scanCycle = cycle;
                    state.noteFile(cycle, fileOf(scan.currentFile()));
                }
                if (firstBad >= 0) {
                    if (record instanceof LogRecord.RecoveryCut cut && cut.firstBadQueueIndex() == firstBad) {
                        state.noteVoidSpan(rollCycle.toCycle(firstBad), cycle);
                        firstBad = -1;
                    } else {
                        ignored++;
                        if (record instanceof LogRecord.Entry e) state.noteEntryIndex(cycle, e.entry().index());
                    }
                    continue;
                }
                if (record == null) {
                    firstBad = queueIndex;
                    ignored++;
                    continue;
                }
                state.apply(record, queueIndex, cycle);
            }
        } finally {
            scan.close();
        }
        writeCycle = scanCycle;
        writeFile = writeCycle == NO_CYCLE ? null : state.fileFor(writeCycle);
        state.finishReplay(queueDir);
        if (firstBad >= 0) {
            LOG.warn("log {}: damaged excerpt at queue index {} (cycle {}); ignoring it and the {} excerpt(s) after it;"
                            + " the log now ends at index {}", queueDir, Long.toHexString(firstBad), rollCycle.toCycle(firstBad),
                    Math.max(0, ignored - 1), state.lastIndex());
            long cutIndex = write(new LogRecord.RecoveryCut(firstBad));
            state.noteVoidSpan(rollCycle.toCycle(firstBad), rollCycle.toCycle(cutIndex));
            sync();
        }
        LOG.info("log {}: recovered {} record(s) in {} ms; snapshot at {}@{}, last index {}", queueDir, records,
                (System.nanoTime() - started) / 1_000_000, state.snapshotIndex(), state.snapshotTerm(), state.lastIndex());
    }

    private static Path fileOf(File f) {
        return f == null ? null : f.toPath();
    }

    private LogRecord decode(DocumentContext dc) {
        Bytes<?> bytes = dc.wire().bytes();
        long length = bytes.readRemaining();
        if (length > MAX_RECORD_BYTES) return null;
        ByteBuffer buf = codec.readBuffer((int) length);
        bytes.read(buf.array(), 0, (int) length);
        return codec.decode((int) length);
    }

    // ---------------------------------------------------------------- LogReader

    @Override
    public long snapshotIndex() {
        return state.snapshotIndex();
    }

    @Override
    public long snapshotTerm() {
        return state.snapshotTerm();
    }

    @Override
    public long lastIndex() {
        return state.lastIndex();
    }

    @Override
    public long term(long index) {
        return state.term(index);
    }

    @Override
    public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        if (from < firstIndex() || toExclusive > lastIndex() + 1) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + toExclusive + ") outside [" + firstIndex()
                    + ", " + (lastIndex() + 1) + ")");
        }
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < toExclusive; i++) {
            LogEntry e = read(i);
            bytes += e.sizeInBytes();
            if (!out.isEmpty() && bytes > maxBytes) break;
            out.add(e);
        }
        return out;
    }

    private LogEntry read(long raftIndex) {
        LogEntry held = recent.get(raftIndex);
        if (held != null) return held;
        long queueIndex = state.queueIndex(raftIndex);
        // Consecutive entries are usually consecutive excerpts, so the tailer is often already there.
        if (reader.index() != queueIndex && !reader.moveToIndex(queueIndex)) {
            throw new IllegalStateException("log entry " + raftIndex + " at queue index " + Long.toHexString(queueIndex) + " is missing");
        }
        LogRecord record;
        try (DocumentContext dc = reader.readingDocument()) {
            record = dc.isPresent() && dc.index() == queueIndex ? decode(dc) : null;
        }
        if (record instanceof LogRecord.Entry e && e.entry().index() == raftIndex) return e.entry();
        // Damage after recovery (the disk rotted under us): never hand out a wrong entry.
        throw new IllegalStateException("log entry " + raftIndex + " at queue index " + Long.toHexString(queueIndex) + " is damaged");
    }

    // ---------------------------------------------------------------- LogStore

    @Override
    public void append(List<LogEntry> entries) {
        if (entries.isEmpty()) return;
        long first = entries.get(0).index();
        if (first <= snapshotIndex() || first > lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + first + " but log is (" + snapshotIndex() + ", " + lastIndex() + "]");
        }
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != first + i) throw new IllegalArgumentException("entries not contiguous");
        }
        if (first <= lastIndex()) {
            apply(new LogRecord.Truncate(first));
            recent.truncateFrom(first);
        }
        for (LogEntry e : entries) {
            apply(new LogRecord.Entry(e));
            recent.appended(e);
        }
    }

    @Override
    public void sync() {
        if (!unsynced) return;
        for (Path f : earlierFilesToForce) Fsync.file(f);
        try {
            writeChannel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync " + writeFile, e);
        }
        if (newFileSinceSync) Fsync.directory(queueDir);
        earlierFilesToForce.clear();
        newFileSinceSync = false;
        unsynced = false;
    }

    @Override
    public void compact(long index) {
        if (index <= snapshotIndex()) return;
        if (index > lastIndex()) throw new IllegalArgumentException("compact past the end: " + index + " > " + lastIndex());
        apply(new LogRecord.Compact(index, term(index)));
        // Files may only go once the record that explains their absence is on disk.
        sync();
        deleteCoveredFiles();
    }

    @Override
    public void resetToSnapshot(long index, long term) {
        apply(new LogRecord.Reset(index, term));
        recent.clear();
        sync();
        deleteCoveredFiles();
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public void saveHardState(HardState newState) {
        hardStateFile.save(newState);
        hardState = newState;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            sync();
        } finally {
            reader.close();
            appender.close();
            queue.close();
            closeWriteChannel();
        }
    }

    /** The directory holding the Chronicle cycle files. */
    Path queueDirectory() {
        return queueDir;
    }

    // ---------------------------------------------------------------- writing

    private void apply(LogRecord record) {
        long queueIndex = write(record);
        state.apply(record, queueIndex, rollCycle.toCycle(queueIndex));
    }

    private long write(LogRecord record) {
        if (closed) throw new IllegalStateException("log store is closed");
        ByteBuffer b = codec.encode(record);
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> bytes = dc.wire().bytes();
            bytes.write(b.array(), 0, b.limit());
        }
        long queueIndex = appender.lastIndexAppended();
        noteWritten(queueIndex);
        return queueIndex;
    }

    private void noteWritten(long queueIndex) {
        unsynced = true;
        int cycle = rollCycle.toCycle(queueIndex);
        if (cycle != writeCycle) {
            if (writeFile != null) earlierFilesToForce.add(writeFile);
            closeWriteChannel();
            writeCycle = cycle;
            writeFile = fileOf(appender.currentFile());
            state.noteFile(cycle, writeFile);
            newFileSinceSync = true;
        }
        if (writeChannel == null) {
            try {
                writeChannel = FileChannel.open(writeFile, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + writeFile + " to sync it", e);
            }
        }
    }

    private void closeWriteChannel() {
        if (writeChannel == null) return;
        try {
            writeChannel.close();
        } catch (IOException e) {
            // Nothing is lost: what it was open for has been synced or goes through Fsync.file.
            LOG.debug("log {}: closing {}: {}", queueDir, writeFile, e.toString());
        }
        writeChannel = null;
    }

    private void deleteCoveredFiles() {
        List<Map.Entry<Integer, Path>> files = state.deletableFiles(writeCycle);
        for (Map.Entry<Integer, Path> f : files) {
            try {
                Files.deleteIfExists(f.getValue());
                LOG.info("log {}: deleted cycle file {} (covered by snapshot at {})", queueDir, f.getValue().getFileName(), snapshotIndex());
            } catch (IOException e) {
                // Harmless: replay skips what the snapshot covers; the next compaction tries again.
                LOG.warn("log {}: cannot delete {}: {}", queueDir, f.getValue(), e.toString());
                break;
            }
            state.forgetFile(f.getKey());
        }
        if (!files.isEmpty()) queue.refreshDirectoryListing();
    }
}
