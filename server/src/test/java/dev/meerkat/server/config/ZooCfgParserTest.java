package dev.meerkat.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooCfgParserTest {

    @Test
    void readsTheKeysMeerkatHonours(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, """
                # a typical ZooKeeper config
                tickTime=500
                clientPort = 2191
                clientPortAddress=127.0.0.1
                dataDir=/var/lib/meerkat
                dataLogDir=/var/log/meerkat
                minSessionTimeout=1500
                maxSessionTimeout=30000
                maxClientCnxns=0
                jute.maxbuffer=2097152
                4lw.commands.whitelist=ruok, mntr
                superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=
                snapCount=5000
                snapSizeLimitInKb=1024
                autopurge.snapRetainCount=5
                znode.container.checkIntervalMs=250
                """);
        ServerConfig c = new ZooCfgParser(w -> { }).parse(cfg);
        assertThat(c.tickTime()).isEqualTo(500);
        assertThat(c.clientPort()).isEqualTo(2191);
        assertThat(c.clientPortAddress()).isEqualTo("127.0.0.1");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/meerkat"));
        assertThat(c.dataLogDir()).isEqualTo(Path.of("/var/log/meerkat"));
        assertThat(c.effectiveMinSessionTimeout()).isEqualTo(1500);
        assertThat(c.effectiveMaxSessionTimeout()).isEqualTo(30000);
        assertThat(c.maxClientCnxns()).isZero();
        assertThat(c.juteMaxBuffer()).isEqualTo(2097152);
        assertThat(c.fourLetterWords()).isEqualTo(Set.of("ruok", "mntr"));
        assertThat(c.superDigest()).isEqualTo("super:D/InIHSb7yEEbrWz8b9l71RjZJU=");
        assertThat(c.snapCount()).isEqualTo(5000);
        assertThat(c.snapSizeLimitBytes()).isEqualTo(1 << 20);
        assertThat(new ZooCfgParser(w -> { }).parse("zoo.cfg", List.of(), null).snapSizeLimitBytes()).isEqualTo(64L << 20);
        assertThat(new ZooCfgParser(w -> { }).parse("zoo.cfg", List.of("snapSizeLimitInKb=-1"), null).snapSizeLimitBytes()).isNegative();
        assertThat(c.snapRetainCount()).isEqualTo(5);
        assertThat(c.containerCheckIntervalMs()).isEqualTo(250);
    }

    @Test
    void kafkaRegistryAndProbeSettings() {
        ZooCfgParser parser = new ZooCfgParser(w -> { });
        assertThat(parser.parse("zoo.cfg", List.of(), null).kafkaView()).isEqualTo(KafkaViewConfig.defaults());
        ServerConfig c = parser.parse("zoo.cfg", List.of("kafka.probe.enabled=false", "kafka.probe.intervalMs=5000",
                "kafka.probe.timeoutMs=500"), null);
        assertThat(c.kafkaView()).isEqualTo(new KafkaViewConfig(true, false, 5000, 500));
        assertThat(parser.parse("zoo.cfg", List.of("kafka.registry.enabled=false"), null).kafkaView().enabled()).isFalse();
        assertThatThrownBy(() -> parser.parse("zoo.cfg", List.of("kafka.probe.timeoutMs=0"), null))
                .hasMessageContaining("zoo.cfg:1").hasMessageContaining("kafka.probe.timeoutMs");
    }

    @Test
    void sessionTimeoutBoundsDefaultToTwoAndTwentyTicks() {
        ServerConfig c = new ZooCfgParser(w -> { }).parse("zoo.cfg", List.of("tickTime=1000"), null);
        assertThat(c.effectiveMinSessionTimeout()).isEqualTo(2000);
        assertThat(c.effectiveMaxSessionTimeout()).isEqualTo(20000);
        assertThat(c.clientPort()).isEqualTo(2181);
        assertThat(c.dataDir()).isEqualTo(Path.of("meerkat-data"));
    }

    @Test
    void ignoredZooKeeperKeysAreWarnedAboutWithTheirLine() {
        List<String> warnings = new ArrayList<>();
        new ZooCfgParser(warnings::add).parse("zoo.cfg", List.of("initLimit=5", "", "autopurge.purgeInterval=2"), null);
        assertThat(warnings).as("initLimit is honoured (an ensemble key), the purge interval has no use")
                .containsExactly("zoo.cfg:3: 'autopurge.purgeInterval' is not used by Meerkat and is ignored"
                        + " (old snapshots and log files go after every snapshot)");
    }

    @Test
    void malformedValueNamesFileAndLine() {
        ZooCfgParser parser = new ZooCfgParser(w -> { });
        assertThatThrownBy(() -> parser.parse("conf/zoo.cfg", List.of("# ok", "tickTime=2000", "clientPort=twenty"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("conf/zoo.cfg:3: clientPort must be a whole number, not 'twenty'");
        assertThatThrownBy(() -> parser.parse("zoo.cfg", List.of("clientPort=70000"), null))
                .hasMessageStartingWith("zoo.cfg:1: clientPort must be between 0 and 65535");
        assertThatThrownBy(() -> parser.parse("zoo.cfg", List.of("tickTime two"), null))
                .hasMessage("zoo.cfg:1: tickTime must be a whole number, not 'two'");
        assertThatThrownBy(() -> parser.parse("zoo.cfg", List.of("superDigest=nocolon"), null))
                .hasMessageStartingWith("zoo.cfg:1: superDigest");
        assertThatThrownBy(() -> parser.parse("zoo.cfg", List.of("minSessionTimeout=9000", "maxSessionTimeout=4000"), null))
                .hasMessageContaining("minSessionTimeout (9000) is larger than maxSessionTimeout (4000)");
    }

    @Test
    void unreadableFileIsReported(@TempDir Path dir) {
        assertThatThrownBy(() -> new ZooCfgParser(w -> { }).parse(dir.resolve("missing.cfg")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.cfg").hasMessageContaining("cannot read");
    }

    private static java.util.Properties properties(String... nameValues) {
        java.util.Properties p = new java.util.Properties();
        for (int i = 0; i < nameValues.length; i += 2) p.setProperty(nameValues[i], nameValues[i + 1]);
        return p;
    }

    @Test
    void zooKeepersSystemPropertiesStandForTheKeysTheyName(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "clientPort=2191\ndataDir=" + dir + "\n");
        ServerConfig c = new ZooCfgParser(w -> { }).withSystemProperties(properties(
                "zookeeper.snapCount", "5000",
                "zookeeper.snapSizeLimitInKb", "2048",
                "jute.maxbuffer", "2097152",
                "zookeeper.4lw.commands.whitelist", "ruok, mntr",
                "zookeeper.admin.enableServer", "false",
                "zookeeper.znode.container.checkIntervalMs", "250",
                "zookeeper.DigestAuthenticationProvider.superDigest", "super:D/InIHSb7yEEbrWz8b9l71RjZJU=",
                "zookeeper.audit.enable", "true",
                // Not settings ZooKeeper takes from system properties, or not Meerkat's: left alone.
                "zookeeper.clientPort", "1",
                "zookeeper.dataDir", "/nowhere",
                "zookeeper.extendedTypesEnabled", "true",
                "zookeeper.jute.maxbuffer", "1",
                "snapCount", "3")).parse(cfg);
        assertThat(c.snapCount()).isEqualTo(5000);
        assertThat(c.snapSizeLimitBytes()).isEqualTo(2048L * 1024);
        assertThat(c.juteMaxBuffer()).isEqualTo(2097152);
        assertThat(c.fourLetterWords()).isEqualTo(Set.of("ruok", "mntr"));
        assertThat(c.adminEnabled()).isFalse();
        assertThat(c.containerCheckIntervalMs()).isEqualTo(250);
        assertThat(c.superDigest()).isEqualTo("super:D/InIHSb7yEEbrWz8b9l71RjZJU=");
        assertThat(c.security().auditEnabled()).isTrue();
        assertThat(c.clientPort()).isEqualTo(2191);
        assertThat(c.dataDir()).isEqualTo(dir);
    }

    @Test
    void aLineOfTheFileWinsOverTheSystemProperty(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "snapCount=7000\njute.maxbuffer=4096\n");
        ServerConfig c = new ZooCfgParser(w -> { }).withSystemProperties(properties(
                "zookeeper.snapCount", "5000", "jute.maxbuffer", "2097152")).parse(cfg);
        assertThat(c.snapCount()).isEqualTo(7000);
        assertThat(c.juteMaxBuffer()).isEqualTo(4096);
    }

    @Test
    void aBadSystemPropertyIsNamedInTheError(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "clientPort=2191\n");
        assertThatThrownBy(() -> new ZooCfgParser(w -> { })
                .withSystemProperties(properties("zookeeper.snapCount", "often")).parse(cfg))
                .isInstanceOf(ConfigException.class)
                .hasMessage("system property zookeeper.snapCount: snapCount must be a whole number, not 'often'");
    }

    @Test
    void withoutAFileTheSystemPropertiesStillApply() {
        assertThat(new ZooCfgParser(w -> { }).parseDefaults()).isEqualTo(ServerConfig.defaults());
        assertThat(new ZooCfgParser(w -> { }).withSystemProperties(properties("zookeeper.extendedTypesEnabled", "true"))
                .parseDefaults()).isEqualTo(ServerConfig.defaults());
        ServerConfig c = new ZooCfgParser(w -> { }).withSystemProperties(properties("zookeeper.snapCount", "5000")).parseDefaults();
        assertThat(c.snapCount()).isEqualTo(5000);
        assertThat(c.withSnapshots(ServerConfig.defaults().snapCount(), c.snapRetainCount())).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void aParserNotGivenSystemPropertiesReadsOnlyTheFile(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "clientPort=2191\n");
        String before = System.getProperty("zookeeper.snapCount");
        System.setProperty("zookeeper.snapCount", "5000");
        try {
            assertThat(new ZooCfgParser(w -> { }).parse(cfg).snapCount()).isEqualTo(ServerConfig.defaults().snapCount());
        } finally {
            if (before == null) System.clearProperty("zookeeper.snapCount");
            else System.setProperty("zookeeper.snapCount", before);
        }
    }

    @Test
    void otherKerberosAndEnforceAuthKeysAreWarnedAboutNotFatal(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "clientPort=2191\nkerberos.canonicalizeHostNames=true\nenforce.auth.other=1\n");
        List<String> warnings = new ArrayList<>();
        ServerConfig c = new ZooCfgParser(warnings::add)
                .withSystemProperties(properties("zookeeper.kerberos.removeHostFromPrincipal", "true",
                        "zookeeper.kerberos.canonicalizeHostNames", "false")).parse(cfg);
        assertThat(c.security().removeHostFromPrincipal()).isTrue();
        assertThat(warnings).contains(cfg + ":2: 'kerberos.canonicalizeHostNames' is not used by Meerkat and is ignored",
                cfg + ":3: 'enforce.auth.other' is not used by Meerkat and is ignored",
                "system property zookeeper.kerberos.canonicalizeHostNames: 'kerberos.canonicalizeHostNames' is not used by Meerkat and is ignored");
    }
}
