package dev.meerkat.server.config;

import dev.meerkat.core.cluster.ClusterConfig;
import dev.meerkat.core.cluster.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ensemble keys of zoo.cfg, read as ZooKeeper reads them, and the myid file. */
class EnsembleConfigTest {
    private final List<String> warnings = new ArrayList<>();
    private final ZooCfgParser parser = new ZooCfgParser(warnings::add);

    private ServerConfig parse(String... lines) {
        return parser.parse("zoo.cfg", List.of(lines), null);
    }

    @Test
    void readsServerLinesInEveryZooKeeperForm() {
        ServerConfig c = parse("tickTime=2000", "initLimit=10", "syncLimit=5",
                "server.1=zk1.example.com:2888:3888",
                "server.2=10.0.0.2:2888:3888:participant",
                "server.3=[2001:db8::3]:2888:3888;2181",
                "server.4=zk4:2888:3888:observer;0.0.0.0:2182");
        EnsembleSettings e = c.ensemble();
        assertThat(e.isEnsemble()).isTrue();
        assertThat(e.initLimit()).isEqualTo(10);
        assertThat(e.syncLimit()).isEqualTo(5);
        assertThat(e.servers()).containsExactly(
                new ServerSpec(1, "zk1.example.com", 2888, 3888, false, null, -1),
                new ServerSpec(2, "10.0.0.2", 2888, 3888, false, null, -1),
                new ServerSpec(3, "2001:db8::3", 2888, 3888, false, null, 2181),
                new ServerSpec(4, "zk4", 2888, 3888, true, "0.0.0.0", 2182));
        assertThat(warnings).isEmpty();
    }

    @Test
    void myidPicksThisServerAndItsClientPort(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("myid"), "3\n");
        ServerConfig c = parse("dataDir=" + dir, "server.1=127.0.0.1:2888:3888;2181", "server.2=127.0.0.1:2889:3889;2182",
                "server.3=127.0.0.1:2890:3890;127.0.0.1:2183");
        ClusterConfig cluster = c.ensemble().cluster(dir);
        assertThat(cluster.myId()).isEqualTo(3);
        assertThat(cluster.peers()).extracting(ServerSpec::id).containsExactly(1L, 2L);
        assertThat(cluster.membership().voters()).containsExactly(1L, 2L, 3L);
        assertThat(c.clientPortFor(cluster)).as("no clientPort key: the server line's").isEqualTo(2183);
        assertThat(c.withClientPort(0).clientPortFor(cluster)).as("--port wins").isZero();
    }

    @Test
    void observersAreLearners(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("myid"), "4");
        ServerConfig c = parse("peerType=observer", "server.1=h1:2888:3888", "server.2=h2:2888:3888", "server.3=h3:2888:3888",
                "server.4=h4:2888:3888:observer");
        ClusterConfig cluster = c.ensemble().cluster(dir);
        assertThat(cluster.isObserver()).isTrue();
        assertThat(cluster.membership().learners()).containsExactly(4L);
        assertThat(cluster.membership().voters()).containsExactly(1L, 2L, 3L);
        assertThat(cluster.quorumShape()).isEqualTo("1:participant,2:participant,3:participant,4:observer");
    }

    @Test
    void aMissingOrUnknownMyidStopsTheServerWithAClearMessage(@TempDir Path dir) throws Exception {
        ServerConfig c = parse("server.1=h1:2888:3888", "server.2=h2:2888:3888", "server.3=h3:2888:3888");
        assertThatThrownBy(() -> c.ensemble().cluster(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("myid is missing");
        Files.writeString(dir.resolve("myid"), "7");
        assertThatThrownBy(() -> c.ensemble().cluster(dir)).hasMessageContaining("says this is server 7, but there is no server.7 line");
        Files.writeString(dir.resolve("myid"), "two");
        assertThatThrownBy(() -> c.ensemble().cluster(dir)).hasMessageContaining("must hold this server's id");
        assertThatThrownBy(() -> c.ensemble().cluster(null)).hasMessageContaining("needs a dataDir");
    }

    @Test
    void duplicatePortsNameTheLine() {
        assertThatThrownBy(() -> parse("server.1=h1:2888:3888", "server.2=h1:2889:2888"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("zoo.cfg:2: the election port of server.2 (h1:2888) is already the quorum port of server.1");
        assertThatThrownBy(() -> parse("server.1=h1:2888:2888")).hasMessageContaining("as both quorum and election port");
        assertThatThrownBy(() -> parse("server.1=h1:2888:3888;2181", "server.2=h1:2889:3889;2181"))
                .hasMessageContaining("the client port of server.2 (h1:2181) is already the client port of server.1");
        // Different hosts may use the same ports, as on three machines.
        assertThat(parse("server.1=h1:2888:3888", "server.2=h2:2888:3888").ensemble().servers()).hasSize(2);
    }

    @Test
    void malformedLinesNameTheLine() {
        assertThatThrownBy(() -> parse("server.x=h:1:2")).hasMessageStartingWith("zoo.cfg:1: 'server.x' must be server.N");
        assertThatThrownBy(() -> parse("server.1=h:1")).hasMessageStartingWith("zoo.cfg:1: server.1 must be host:quorumPort:electionPort");
        assertThatThrownBy(() -> parse("server.1=h:1:2:voter")).hasMessageContaining("role must be participant or observer");
        assertThatThrownBy(() -> parse("server.1=h:1:2", "server.1=h:3:4")).hasMessageContaining("server.1 is given twice (first at zoo.cfg:1)");
        assertThatThrownBy(() -> parse("server.1=h:1:2|g:1:2")).hasMessageContaining("multiAddress");
        assertThatThrownBy(() -> parse("peerType=leader")).hasMessageContaining("peerType must be participant or observer");
        assertThatThrownBy(() -> parse("server.1=h:1:2:observer")).hasMessageContaining("no participant");
        assertThatThrownBy(() -> parse("electionAlg=1")).hasMessageContaining("only 3 is valid");
    }

    @Test
    void peerTypeAndTheServerLineMustAgree(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("myid"), "3");
        assertThatThrownBy(() -> parse("peerType=observer", "server.1=h:1:2", "server.2=h:3:4", "server.3=h:5:6").ensemble().cluster(dir))
                .hasMessageContaining("not marked :observer");
        assertThatThrownBy(() -> parse("server.1=h:1:2", "server.2=h:3:4", "server.3=h:5:6:observer").ensemble().cluster(dir))
                .hasMessageContaining("set peerType=observer");
    }

    @Test
    void aSingleServerLineIsAStandaloneServerAsInZooKeeper(@TempDir Path dir) {
        ServerConfig c = parse("server.1=127.0.0.1:2888:3888");
        assertThat(c.ensemble().isEnsemble()).isFalse();
        assertThat(c.ensemble().cluster(dir).isStandalone()).isTrue();
        assertThat(parse("standaloneEnabled=false", "server.1=127.0.0.1:2888:3888").ensemble().isEnsemble()).isTrue();
        assertThat(parse("clientPort=2181").ensemble().isEnsemble()).as("no server lines: a single node, as before").isFalse();
    }

    @Test
    void meerkatTimingKeys() {
        EnsembleSettings e = parse("meerkat.raftTickMs=20", "meerkat.electionTicks=15", "meerkat.linearizableReads=true").ensemble();
        assertThat(e.raftTickMs()).isEqualTo(20);
        assertThat(e.electionTicks()).isEqualTo(15);
        assertThat(e.linearizableReads()).isTrue();
    }
}
