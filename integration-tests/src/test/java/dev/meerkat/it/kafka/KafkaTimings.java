package dev.meerkat.it.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Step timings of the Kafka scenario, per coordination backend, written side by side to
 * {@code target/kafka-timings.md} (and stdout) after each backend's run.
 */
final class KafkaTimings {
    private static final Map<String, Map<String, Double>> STEPS = new LinkedHashMap<>();
    private static final Set<String> BACKENDS = new LinkedHashSet<>();
    private static final List<String> NOTES = new ArrayList<>();

    private KafkaTimings() {
    }

    static synchronized void record(String backend, String step, double millis) {
        BACKENDS.add(backend);
        STEPS.computeIfAbsent(step, s -> new LinkedHashMap<>()).put(backend, millis);
    }

    static synchronized void note(String text) {
        if (!NOTES.contains(text)) NOTES.add(text);
    }

    static synchronized String table() {
        List<String> backends = new ArrayList<>(BACKENDS);
        StringBuilder sb = new StringBuilder("## Kafka 3.9.1 brokers: step timings (ms)\n\n| step |");
        for (String b : backends) sb.append(' ').append(b).append(" |");
        sb.append("\n|---|");
        for (int i = 0; i < backends.size(); i++) sb.append("---:|");
        sb.append('\n');
        for (Map.Entry<String, Map<String, Double>> e : STEPS.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            for (String b : backends) {
                Double v = e.getValue().get(b);
                sb.append(' ').append(v == null ? "–" : String.format(Locale.ROOT, "%.0f", v)).append(" |");
            }
            sb.append('\n');
        }
        if (!NOTES.isEmpty()) {
            sb.append('\n');
            for (String n : NOTES) sb.append("* ").append(n).append('\n');
        }
        return sb.toString();
    }

    static synchronized void write() {
        String table = table();
        System.out.println();
        System.out.println(table);
        try {
            Path out = Path.of("target", "kafka-timings.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table);
        } catch (IOException e) {
            System.err.println("could not write kafka-timings.md: " + e);
        }
    }
}
