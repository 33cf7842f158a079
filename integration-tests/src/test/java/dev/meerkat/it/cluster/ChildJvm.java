package dev.meerkat.it.cluster;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a JVM of its own, so that a test can SIGKILL it. It runs on the test JVM's class
 * path with the same JDK-internals flags; stdout and stderr go to files named after it.
 */
final class ChildJvm implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "cluster-child-reaper"));
    }

    private final String label;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJvm(String label, Process process, Path stdout, Path stderr) {
        this.label = label;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static ChildJvm start(String label, Path logDir, List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jdkFlags());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xss512k");
        cmd.add("-XX:CICompilerCount=1");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        Path out = logDir.resolve(label + ".out");
        Path err = logDir.resolve(label + ".err");
        try {
            Files.createDirectories(logDir);
            Files.writeString(logDir.resolve(label + ".cmd"), String.join(" ", cmd) + System.lineSeparator());
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
            LIVE.add(p);
            return new ChildJvm(label, p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + label, e);
        }
    }

    private static List<String> jdkFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens=") || a.startsWith("--add-exports=")) flags.add(a);
        }
        return flags;
    }

    /** Waits for a line of stdout matching {@code pattern}, written after {@code fromChars} characters; returns the match. */
    Matcher awaitStdout(Pattern pattern, int fromChars, Duration atMost) {
        Matcher[] found = {null};
        Awaitility.await(label + " printing " + pattern + " (see " + stdout + ")").atMost(atMost)
                .pollDelay(Duration.ofMillis(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    String text = read(stdout);
                    Matcher m = pattern.matcher(text.substring(Math.min(fromChars, text.length())));
                    if (m.find()) {
                        found[0] = m;
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(label + " exited with code " + process.exitValue() + "; stderr:\n" + tail(read(stderr), 4000));
                    }
                    return false;
                });
        return found[0];
    }

    int stdoutLength() {
        return read(stdout).length();
    }

    String stderrTail(int chars) {
        return tail(read(stderr), chars);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    int exitCode(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError(label + " still runs after " + atMost);
        LIVE.remove(process);
        return process.exitValue();
    }

    /** SIGKILL, and wait until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError(label + " survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    /** SIGTERM, and wait for the exit code. */
    int terminate(Duration atMost) throws InterruptedException {
        process.destroy();
        return exitCode(atMost);
    }

    @Override
    public void close() {
        if (process.isAlive()) kill();
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static String tail(String s, int chars) {
        return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
    }
}
