package dev.meerkat.it.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution as an operator installs it: meerkat-&lt;version&gt;.tar.gz unpacked, started with
 * bin/meerkat start, checked with status, stopped with stop; a start that cannot work says why in
 * one line and fails.
 */
class DistributionTest {

    record Run(int exit, String output) {
    }

    private static Run run(Path home, String... args) throws IOException, InterruptedException {
        return run(home, java.util.Map.of(), args);
    }

    private static Run run(Path home, java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", home.resolve("bin/meerkat").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bin/meerkat %s finished", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private static Path unpack(Path into) throws Exception {
        Path tarball = Path.of(System.getProperty("meerkat.distribution", "server/target/meerkat.tar.gz"));
        assertThat(tarball).as("the distribution (built by mvn package; run mvn verify)").exists();
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", into.toString()).inheritIO().start();
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        try (var dirs = Files.list(into)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("meerkat-")).findFirst().orElseThrow();
        }
    }

    /** The sample configuration, on free ports so that the test runs beside anything else. */
    private static void freePorts(Path home, String file) throws IOException {
        Path cfg = home.resolve("conf/zoo.cfg");
        String text = Files.readString(cfg)
                .replace("clientPort=2181", "clientPort=0")
                .replace("admin.serverPort=8080", "admin.serverPort=0")
                .replace("metricsProvider.httpPort=7000", "metricsProvider.httpPort=0");
        Files.writeString(home.resolve("conf/" + file), text);
    }

    @Test
    void startStatusStop(@TempDir Path dir) throws Exception {
        Path home = unpack(dir);
        assertThat(home.resolve("LICENSE")).content().contains("Apache License");
        assertThat(home.resolve("NOTICE")).exists();
        assertThat(home.resolve("conf/java.env")).exists();
        assertThat(home.resolve("conf/logback.xml")).content().contains("RollingFileAppender");
        freePorts(home, "zoo.cfg");
        Run start = run(home, "start");
        try {
            assertThat(start.output()).contains("STARTED");
            assertThat(start.exit()).isZero();
            assertThat(home.resolve("run/meerkat.pid")).exists();
            Run status = run(home, "status");
            assertThat(status.output()).contains("Mode: standalone");
            assertThat(status.exit()).isZero();
            String ready = Files.readString(home.resolve("logs/meerkat.out"));
            int port = Integer.parseInt(ready.replaceAll("(?s).*MEERKAT_READY port=(\\d+).*", "$1"));
            assertThat(FourLetterClient.ask(port, "ruok", true)).isEqualTo("imok");
            assertThat(home.resolve("logs/meerkat.log")).content().contains("Meerkat ready");
            Run again = run(home, "start");
            assertThat(again.exit()).isNotZero();
            assertThat(again.output()).contains("already running");
            assertThat(run(home, "print-cmd").output()).contains("-jar").contains("lib/meerkat.jar").contains("-Xmx1000m");
        } finally {
            Run stop = run(home, "stop");
            assertThat(stop.output()).contains("STOPPED");
            assertThat(stop.exit()).isZero();
        }
        Run status = run(home, "status");
        assertThat(status.exit()).isNotZero();
        assertThat(status.output()).contains("not running");
        assertThat(home.resolve("run/meerkat.pid")).doesNotExist();
        assertThat(Files.readString(home.resolve("logs/meerkat.log"))).doesNotContain("Exception").doesNotContain("\tat ");

        // The stopped server left an archive of its classes, which the next start maps.
        Path archive;
        try (var files = Files.list(home.resolve("run"))) {
            List<Path> archives = files.filter(f -> f.getFileName().toString().startsWith("meerkat-cds-")).toList();
            assertThat(archives).hasSize(1);
            archive = archives.get(0);
        }
        assertThat(archive.getFileName().toString()).endsWith(".jsa");
        assertThat(Files.size(archive)).isPositive();
        Run restart = run(home, "start");
        try {
            assertThat(restart.output()).contains("STARTED");
            String pid = Files.readString(home.resolve("run/meerkat.pid")).trim();
            assertThat(Path.of("/proc", pid, "maps")).content().contains(archive.toString());
            String ready = Files.readString(home.resolve("logs/meerkat.out"));
            int port = Integer.parseInt(ready.replaceAll("(?s).*MEERKAT_READY port=(\\d+).*", "$1"));
            assertThat(FourLetterClient.ask(port, "ruok", true)).isEqualTo("imok");
            assertThat(ready).doesNotContain("[warning]").doesNotContain("[error]");
        } finally {
            assertThat(run(home, "stop").output()).contains("STOPPED");
        }
        try (var files = Files.list(home.resolve("run"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(archive.getFileName().toString());
        }
    }

    @Test
    void aStartThatCannotWorkSaysWhyInOneLine(@TempDir Path dir) throws Exception {
        Path home = unpack(dir);
        freePorts(home, "bad.cfg");
        Path bad = home.resolve("conf/bad.cfg");
        Files.writeString(bad, Files.readString(bad) + "tickTime=often\n");
        Run start = run(home, "start", bad.toString());
        assertThat(start.exit()).isNotZero();
        assertThat(start.output()).contains("FAILED");
        String why = start.output().lines().filter(l -> l.startsWith("meerkat:")).findFirst().orElseThrow();
        assertThat(why).isEqualTo("meerkat: " + bad + ":" + (Files.readAllLines(bad).size()) + ": tickTime must be a whole number, not 'often'");
        assertThat(start.output()).doesNotContain("Exception").doesNotContain("\tat ");
        try (var files = Files.list(home.resolve("run"))) {
            assertThat(files).as("nothing kept of a failed start").isEmpty();
        }
        // ZooKeeper's settings given as system properties (JVMFLAGS, as zkServer.sh takes them) are read too.
        freePorts(home, "good.cfg");
        Run flagged = run(home, java.util.Map.of("JVMFLAGS", "-Dzookeeper.znode.container.checkIntervalMs=often"),
                "start", home.resolve("conf/good.cfg").toString());
        assertThat(flagged.exit()).isNotZero();
        assertThat(flagged.output().lines().filter(l -> l.startsWith("meerkat:")).findFirst().orElseThrow())
                .isEqualTo("meerkat: system property zookeeper.znode.container.checkIntervalMs: "
                        + "znode.container.checkIntervalMs must be a whole number, not 'often'");
        Process version = new ProcessBuilder("java", "-jar", home.resolve("lib/meerkat.jar").toString(), "--version").redirectErrorStream(true).start();
        assertThat(new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("Meerkat ").contains("ZooKeeper 3.9.5");
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).isZero();
    }
}
