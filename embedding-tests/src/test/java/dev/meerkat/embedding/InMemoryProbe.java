package dev.meerkat.embedding;

import dev.meerkat.server.Meerkat;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM on the relocated jar alone: starts an embedded Meerkat (in memory, or with
 * the data directory given as argument), asks {@code ruok}, stops it, prints PROBE_OK and its JVM arguments.
 */
public final class InMemoryProbe {
    public static void main(String[] args) throws Exception {
        Meerkat m = args.length == 0 ? Meerkat.embedded() : Meerkat.embedded(Files.createDirectories(Path.of(args[0])));
        try (m; Socket s = new Socket("127.0.0.1", m.port())) {
            OutputStream out = s.getOutputStream();
            out.write("ruok".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            if (!answer.equals("imok")) throw new AssertionError("ruok answered " + answer);
        }
        System.out.println("PROBE_OK jvm-args=" + ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
}
