package dev.meerkat.it.crash;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Meerkat node in its own JVM ({@code dev.meerkat.server.Main}), so that it can be SIGKILLed.
 *
 * <p>The child runs on the test JVM's class path with the same JDK-internals flags (Chronicle Queue
 * needs them); its stdout and stderr go to files so that a failing run can be diagnosed afterwards.
 */
public final class MeerkatProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("MEERKAT_READY port=(\\d+)");
    /** The flags Chronicle Queue needs on Java 17, for when the test JVM was started without them (an IDE). */
    private static final List<String> FALLBACK_JDK_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");

    /** Children still alive; a shutdown hook kills them should the test JVM die without running its @AfterAll. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "meerkat-child-reaper"));
    }

    private final String label;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private MeerkatProcess(String label, Process process, Path stdout, Path stderr) {
        this.label = label;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code Main [zooCfg] --port 0 --data-dir dataDir}; output goes to {@code logDir/label.out|.err}. */
    static MeerkatProcess start(String label, Path logDir, Path dataDir, Path zooCfg, Path logbackXml) {
        return start(label, logDir, dataDir, zooCfg, logbackXml, List.of("-Xmx256m"));
    }

    /** As {@link #start(String, Path, Path, Path, Path)}, with JVM flags of the caller's (a heap size, -D properties). */
    public static MeerkatProcess start(String label, Path logDir, Path dataDir, Path zooCfg, Path logbackXml, List<String> jvmArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jdkFlags());
        cmd.addAll(jvmArgs);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1"); // start fast: the test restarts the node two dozen times
        cmd.add("-Dchronicle.analytics.disable=true");
        cmd.add("-Dchronicle.announcer.disable=true");
        cmd.add("-Ddisable.perf.info=true");
        cmd.add("-Dlogback.configurationFile=" + logbackXml.toAbsolutePath());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.meerkat.server.Main");
        if (zooCfg != null) cmd.add(zooCfg.toAbsolutePath().toString());
        cmd.add("--port");
        cmd.add("0");
        cmd.add("--data-dir");
        cmd.add(dataDir.toAbsolutePath().toString());
        Path out = logDir.resolve(label + ".out");
        Path err = logDir.resolve(label + ".err");
        try {
            Files.writeString(logDir.resolve(label + ".cmd"), String.join(" ", cmd) + System.lineSeparator());
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            LIVE.add(p);
            return new MeerkatProcess(label, p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + label, e);
        }
    }

    /** The test JVM's own --add-opens/--add-exports (surefire's argLine from jdk.internals.args). */
    private static List<String> jdkFlags() {
        List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String a = in.get(i);
            if (a.startsWith("--add-opens=") || a.startsWith("--add-exports=")) {
                flags.add(a);
            } else if ((a.equals("--add-opens") || a.equals("--add-exports")) && i + 1 < in.size()) {
                flags.add(a + "=" + in.get(++i));
            }
        }
        return flags.isEmpty() ? FALLBACK_JDK_FLAGS : flags;
    }

    /** Waits for the {@code MEERKAT_READY} line; fails at once if the JVM exits first. */
    public int awaitReady(Duration atMost) {
        int[] port = {-1};
        Awaitility.await(label + " printing MEERKAT_READY (see " + stdout + " and " + stderr + ")")
                .atMost(atMost)
                .pollDelay(Duration.ofMillis(50))
                .pollInterval(Duration.ofMillis(25))
                .until(() -> {
                    Matcher m = READY.matcher(readQuietly(stdout));
                    if (m.find()) {
                        port[0] = Integer.parseInt(m.group(1));
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(label + " exited with code " + process.exitValue() + " before it was ready; stderr:\n"
                                + tail(readQuietly(stderr), 4000));
                    }
                    return false;
                });
        return port[0];
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux) and wait until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError(label + " (pid " + pid() + ") survived SIGKILL");
            LIVE.remove(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing " + label, e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM, as an init system or Ctrl-C would, and waits for the process to end; returns its exit code. */
    int terminate(Duration atMost) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError(label + " did not exit within " + atMost + " of SIGTERM\n" + stderrTail(3000));
        }
        LIVE.remove(process);
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    String label() {
        return label;
    }

    public Path stdoutFile() {
        return stdout;
    }

    Path stderrFile() {
        return stderr;
    }

    /** The last lines of the server's log, for a failure message. */
    public String stderrTail(int chars) {
        return tail(readQuietly(stderr), chars);
    }

    /** Waits for the process to end by itself; returns its exit code. */
    public int exitCode(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(label + " still runs after " + atMost + "\n" + stderrTail(3000));
        }
        LIVE.remove(process);
        return process.exitValue();
    }

    /** Everything the server printed on stderr (its log) so far. */
    public String stderr() {
        return readQuietly(stderr);
    }

    @Override
    public void close() {
        if (process.isAlive()) kill();
    }

    private static String readQuietly(Path f) {
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
