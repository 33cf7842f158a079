package dev.meerkat.server.reconfig;

import dev.meerkat.core.cluster.DynamicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * ZooKeeper's files for a changing ensemble: each configuration a reconfig makes is written to
 * {@code zoo.cfg.dynamic.<version>} beside zoo.cfg (its server lines, sorted, as ZooKeeper writes
 * them), and zoo.cfg is pointed at it with {@code dynamicConfigFile=} in place of its own server
 * lines (the first time, the original is kept as {@code zoo.cfg.bak}). A restarted server then
 * starts from the newest configuration even before it reads its log. Written on a thread of its
 * own: the tree thread that learns of a change never waits for a disk.
 */
public final class DynamicConfigFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicConfigFiles.class);

    private final Path zooCfg;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "meerkat-dynamic-config");
        t.setDaemon(true);
        return t;
    });
    private long written = -1;

    public DynamicConfigFiles(Path zooCfg) {
        this.zooCfg = zooCfg.toAbsolutePath();
    }

    /** Any thread: a configuration was applied. Version 0 (the one read from zoo.cfg) is not written. */
    public void changed(DynamicConfig config) {
        if (config.version() == 0) return;
        writer.execute(() -> write(config));
    }

    public Path fileFor(long version) {
        return zooCfg.resolveSibling(zooCfg.getFileName() + ".dynamic." + Long.toHexString(version));
    }

    private void write(DynamicConfig config) {
        if (config.version() <= written) return;
        try {
            Path dynamic = fileFor(config.version());
            List<String> lines = new ArrayList<>(List.of(config.serverLines().strip().split("\n")));
            lines.sort(null);
            atomically(dynamic, String.join("\n", lines));
            pointAt(dynamic);
            if (written > 0 && written != config.version()) Files.deleteIfExists(fileFor(written));
            written = config.version();
        } catch (IOException | RuntimeException e) {
            LOG.error("could not write the dynamic configuration {} next to {}: {}; the log still holds it",
                    Long.toHexString(config.version()), zooCfg, e.toString());
        }
    }

    /** zoo.cfg without its server lines and with dynamicConfigFile pointing at {@code dynamic}. */
    private void pointAt(Path dynamic) throws IOException {
        List<String> original = Files.readAllLines(zooCfg, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>();
        boolean hadServers = false;
        for (String line : original) {
            String key = keyOf(line);
            if (key.startsWith("server.")) {
                hadServers = true;
                continue;
            }
            if (key.equals("dynamicConfigFile")) continue;
            kept.add(line);
        }
        kept.add("dynamicConfigFile=" + dynamic);
        Path backup = zooCfg.resolveSibling(zooCfg.getFileName() + ".bak");
        if (hadServers && !Files.exists(backup)) Files.copy(zooCfg, backup);
        atomically(zooCfg, String.join("\n", kept) + "\n");
    }

    private static String keyOf(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) return "";
        int end = 0;
        while (end < t.length() && "=: \t".indexOf(t.charAt(end)) < 0) end++;
        return t.substring(0, end);
    }

    private static void atomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
