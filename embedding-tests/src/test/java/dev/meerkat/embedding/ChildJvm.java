package dev.meerkat.embedding;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A JVM of its own, with exactly the classpath and flags a test gives it (none inherited). */
final class ChildJvm {
    record Result(int exitCode, String output) {
    }

    private ChildJvm() {
    }

    static Result run(List<Path> classpath, List<String> jvmArgs, String mainClass, List<String> args, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        command.add(mainClass);
        command.addAll(args);
        Path log = Files.createTempFile("child-jvm", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("child JVM still running after " + timeout + ": " + command + "\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** This build's relocated jar, as the published artifact holds it. */
    static Path embeddedJar() {
        Path jar = Path.of(System.getProperty("meerkat.root"), "meerkat-embedded", "target",
                "meerkat-embedded-" + System.getProperty("meerkat.version") + ".jar");
        if (!Files.isRegularFile(jar)) throw new AssertionError("no relocated jar at " + jar + ": run the build through the package phase");
        return jar;
    }

    /** The jar of this test's own classpath whose file name starts with {@code prefix}. */
    static Path fromClasspath(String prefix) {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + "* on the test classpath"));
    }

    static Path testClasses() {
        try {
            return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** What a user's test JVM needs to embed Meerkat: the relocated jar and the SLF4J API (with a binding). */
    static List<Path> embeddedClasspath() {
        return List.of(testClasses(), embeddedJar(), fromClasspath("slf4j-api-"), fromClasspath("slf4j-simple-"));
    }
}
