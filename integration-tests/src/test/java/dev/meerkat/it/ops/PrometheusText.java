package dev.meerkat.it.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A scrape read by a real Prometheus text-format parser: the official Python client's
 * ({@code python3-prometheus-client}, which .ci/run installs). A malformed exposition fails here.
 */
final class PrometheusText {
    /** One sample: its family's name and type, its own name and its label names. */
    record Sample(String family, String type, String name, String labels) {
    }

    private PrometheusText() {
    }

    static List<Sample> parse(String exposition) throws IOException, InterruptedException {
        Path script = Files.createTempFile("prometheus_samples", ".py");
        try (InputStream in = PrometheusText.class.getResourceAsStream("/prometheus_samples.py")) {
            Files.write(script, in.readAllBytes());
        }
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, script.toString()).redirectErrorStream(false).start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException e) {
                // the process ended
            }
        });
        drain.start();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("parser did not finish");
        drain.join();
        Files.deleteIfExists(script);
        if (p.exitValue() != 0) throw new IllegalStateException("the Prometheus parser rejected the scrape: " + err);
        List<Sample> samples = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            samples.add(new Sample(f[0], f[1], f[2], f[3]));
        }
        return samples;
    }
}
