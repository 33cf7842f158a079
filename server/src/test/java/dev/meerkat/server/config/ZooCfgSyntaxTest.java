package dev.meerkat.server.config;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** zoo.cfg is read with java.util.Properties syntax, as ZooKeeper reads it, and every entry keeps its line. */
class ZooCfgSyntaxTest {

    @Test
    void allThreeSeparatorsCommentsAndContinuationLines() {
        List<ZooCfgReader.Entry> entries = ZooCfgReader.read("zoo.cfg", List.of(
                "# comment",
                "! also a comment",
                "tickTime=500",
                "clientPort : 2191",
                "dataDir /var/lib/meerkat",
                "4lw.commands.whitelist=ruok, \\",
                "    mntr, \\",
                "    srvr",
                "  admin.serverPort\t=\t9090  ",
                "jute.maxbuffer=\\u0031048575"));
        assertThat(entries).containsExactly(
                new ZooCfgReader.Entry("tickTime", "500", 3),
                new ZooCfgReader.Entry("clientPort", "2191", 4),
                new ZooCfgReader.Entry("dataDir", "/var/lib/meerkat", 5),
                new ZooCfgReader.Entry("4lw.commands.whitelist", "ruok, mntr, srvr", 6),
                new ZooCfgReader.Entry("admin.serverPort", "9090", 9),
                new ZooCfgReader.Entry("jute.maxbuffer", "1048575", 10));
    }

    @Test
    void aContinuedValueIsParsedAndAnErrorNamesItsFirstLine(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=1000\n4lw.commands.whitelist=ruok,\\\n  stat\nclientPort=\\\n  nope\n");
        ZooCfgParser parser = new ZooCfgParser(w -> { });
        assertThatThrownBy(() -> parser.parse(cfg)).hasMessage(cfg + ":4: clientPort must be a whole number, not 'nope'");
        Files.writeString(cfg, "tickTime=1000\n4lw.commands.whitelist=ruok,\\\n  stat\n");
        ServerConfig c = parser.parse(cfg);
        assertThat(c.fourLetterWords()).isEqualTo(Set.of("ruok", "stat"));
        assertThat(c.operations().initialConfig()).contains("4lw.commands.whitelist");
    }

    @Test
    void eachIgnoredKeyIsReportedOnceWithItsFirstLine() {
        List<String> warnings = new ArrayList<>();
        new ZooCfgParser(warnings::add).parse("zoo.cfg",
                List.of("preAllocSize=65536", "cnxTimeout=5000", "weight.1=1", "preAllocSize=1", "bogus=1"), null);
        String ensemble = "is not used by Meerkat and is ignored (an ensemble setting Meerkat has no use for: its ensemble is Raft over one peer port)";
        assertThat(warnings).containsExactly(
                "zoo.cfg:1: 'preAllocSize' is not used by Meerkat and is ignored (the log is a Chronicle Queue)",
                "zoo.cfg:2: 'cnxTimeout' " + ensemble,
                "zoo.cfg:3: 'weight.1' " + ensemble,
                "zoo.cfg:5: 'bogus' is not a ZooKeeper 3.9 setting and is ignored");
    }

    @Test
    void laterLinesWinAsInProperties() {
        ServerConfig c = new ZooCfgParser(w -> { }).parse("zoo.cfg", List.of("clientPort=1", "clientPort=2"), null);
        assertThat(c.clientPort()).isEqualTo(2);
    }

    @Test
    void relativeDirectoriesAreRelativeToTheWorkingDirectoryAsInZooKeeper() {
        ServerConfig c = new ZooCfgParser(w -> { }).parse("conf/zoo.cfg", List.of("dataDir=data", "dataLogDir=./logs"), Path.of("/etc/meerkat"));
        assertThat(c.dataDir()).isEqualTo(Path.of("data"));
        assertThat(c.dataLogDir()).isEqualTo(Path.of("./logs"));
    }

    @Test
    void operationsKeys() {
        ServerConfig c = new ZooCfgParser(w -> { }).parse("zoo.cfg", List.of(
                "admin.serverPort=9191", "admin.commandURL=/cmds/", "admin.serverAddress=127.0.0.1",
                "metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider",
                "metricsProvider.httpHost=127.0.0.1", "metricsProvider.httpPort=7070", "metricsProvider.exportJvmInfo=false",
                "fsync.warningthresholdms=50"), null);
        assertThat(c.adminEnabled()).isTrue();
        assertThat(c.adminPort()).isEqualTo(9191);
        assertThat(c.adminAddress()).isEqualTo("127.0.0.1");
        assertThat(c.operations().adminRequired()).isTrue();
        assertThat(c.operations().adminCommandUrl()).isEqualTo("/cmds");
        assertThat(c.operations().prometheusEnabled()).isTrue();
        assertThat(c.operations().metricsHost()).isEqualTo("127.0.0.1");
        assertThat(c.operations().metricsPort()).isEqualTo(7070);
        assertThat(c.operations().metricsExportJvmInfo()).isFalse();
        assertThat(c.operations().fsyncWarningThresholdMs()).isEqualTo(50);
        ServerConfig defaults = new ZooCfgParser(w -> { }).parse("zoo.cfg", List.of("tickTime=2000"), null);
        assertThat(defaults.adminEnabled()).isTrue();
        assertThat(defaults.adminPort()).isEqualTo(8080);
        assertThat(defaults.adminAddress()).isEqualTo("0.0.0.0");
        assertThat(defaults.operations().adminRequired()).isFalse();
        assertThat(defaults.operations().prometheusEnabled()).isFalse();
        assertThat(defaults.operations().metricsPort()).isEqualTo(7000);
        assertThat(defaults.fourLetterWords()).isEmpty();
        assertThatThrownBy(() -> new ZooCfgParser(w -> { }).parse("zoo.cfg", List.of("metricsProvider.className=com.example.Nope"), null))
                .hasMessageStartingWith("zoo.cfg:1: metricsProvider.className com.example.Nope is not available");
    }

    /** Random files in the grammar's corners read the same through ZooCfgReader and Properties.load. */
    @RepeatedTest(200)
    void sameAsJavaUtilProperties(org.junit.jupiter.api.RepetitionInfo rep) throws IOException {
        Random random = new Random(rep.getCurrentRepetition() * 7919L);
        String[] pieces = {"a", "key", "x.y", "4lw", " ", "\t", "=", ":", "\\", "\\\\", "\\=", "\\:", "\\ ", "\\t", "\\n", "#", "!",
                "\\u0041", "v", "value", "1", ",", "/p"};
        List<String> lines = new ArrayList<>();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            StringBuilder line = new StringBuilder();
            int len = random.nextInt(7);
            for (int j = 0; j < len; j++) line.append(pieces[random.nextInt(pieces.length)]);
            lines.add(line.toString());
        }
        Properties expected = new Properties();
        expected.load(new StringReader(String.join("\n", lines)));
        Map<String, String> want = new HashMap<>();
        Set<String> ambiguous = new java.util.HashSet<>();
        // Two raw keys that trim to one key are ambiguous in ZooKeeper too (it walks a Hashtable): left out.
        expected.forEach((k, v) -> {
            if (want.put(k.toString().trim(), v.toString().trim()) != null) ambiguous.add(k.toString().trim());
        });
        Map<String, String> got = new HashMap<>();
        for (ZooCfgReader.Entry e : ZooCfgReader.read("t", lines)) got.put(e.key(), e.value());
        want.keySet().removeAll(ambiguous);
        got.keySet().removeAll(ambiguous);
        assertThat(got).as("lines %s", lines).isEqualTo(want);
    }
}
