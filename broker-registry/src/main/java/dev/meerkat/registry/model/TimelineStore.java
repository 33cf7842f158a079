package dev.meerkat.registry.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeline on disk: one JSON event per line, appended by the registry thread. Kept bounded by
 * rewriting it with the newest {@code capacity} events once it holds twice as many. Synced at most
 * once a second (history is for people; the log, not this file, is the state), so a machine crash
 * may lose the last second of it; a process crash loses nothing that was written.
 */
public final class TimelineStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimelineStore.class);
    private static final long SYNC_INTERVAL_NANOS = 1_000_000_000L;

    private final Path file;
    private final int capacity;
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private FileChannel channel;
    private BufferedWriter writer;
    private int lines;
    private boolean dirty;
    private long lastSyncNanos = System.nanoTime();

    public TimelineStore(Path file, int capacity) {
        this.file = file;
        this.capacity = capacity;
    }

    /** Reads what an earlier run kept (newest {@code capacity}); lines that cannot be read are skipped with a warning. */
    public List<KafkaEvent> load() {
        List<KafkaEvent> out = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < all.size(); i++) {
                    String line = all.get(i);
                    if (line.isBlank()) continue;
                    try {
                        out.add(json.readValue(line, KafkaEvent.class));
                    } catch (IOException e) {
                        // The last line may be torn by a crash; anything else is damage worth a word.
                        LOG.warn("{}:{}: skipping an unreadable timeline line ({})", file, i + 1, e.getMessage());
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot read the Kafka timeline {}: {}; starting with an empty one", file, e.getMessage());
            }
        }
        List<KafkaEvent> kept = out.size() > capacity ? new ArrayList<>(out.subList(out.size() - capacity, out.size())) : out;
        rewrite(kept);
        return kept;
    }

    public void append(List<KafkaEvent> events, List<KafkaEvent> newestKept) {
        if (events.isEmpty()) return;
        try {
            for (KafkaEvent e : events) {
                writer.write(json.writeValueAsString(e));
                writer.write('\n');
                lines++;
            }
            writer.flush();
            dirty = true;
        } catch (IOException e) {
            LOG.warn("cannot append to the Kafka timeline {}: {}", file, e.getMessage());
        }
        if (lines > 2 * capacity) rewrite(newestKept);
    }

    /** Syncs what was appended, at most once a second; called from the registry thread's loop. */
    public void maybeSync() {
        long now = System.nanoTime();
        if (!dirty || now - lastSyncNanos < SYNC_INTERVAL_NANOS) return;
        lastSyncNanos = now;
        dirty = false;
        try {
            channel.force(false);
        } catch (IOException e) {
            LOG.warn("cannot sync the Kafka timeline {}: {}", file, e.getMessage());
        }
    }

    private void rewrite(List<KafkaEvent> kept) {
        closeQuietly();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                StringBuilder sb = new StringBuilder();
                for (KafkaEvent e : kept) sb.append(json.writeValueAsString(e)).append('\n');
                out.write(StandardCharsets.UTF_8.encode(sb.toString()));
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            writer = new BufferedWriter(java.nio.channels.Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 14);
            lines = kept.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka timeline " + file, e);
        }
    }

    private void closeQuietly() {
        try {
            if (writer != null) writer.close();
            else if (channel != null) channel.close();
        } catch (IOException e) {
            // Replaced right after.
        }
        writer = null;
        channel = null;
    }

    @Override
    public void close() {
        if (channel != null && dirty) {
            try {
                writer.flush();
                channel.force(false);
            } catch (IOException e) {
                LOG.warn("cannot sync the Kafka timeline {}: {}", file, e.getMessage());
            }
        }
        closeQuietly();
    }
}
