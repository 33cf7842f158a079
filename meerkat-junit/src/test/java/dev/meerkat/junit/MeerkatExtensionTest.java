package dev.meerkat.junit;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MeerkatExtensionTest {

    /** Asks the server's four-letter-word port whether it is fine. */
    static String ruok(String connectString) throws IOException {
        String[] hostPort = connectString.split("/")[0].split(":");
        try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            OutputStream out = s.getOutputStream();
            out.write("ruok".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Nested
    @ExtendWith(MeerkatExtension.class)
    class Declarative {
        @InjectMeerkat
        static Meerkat staticServer;
        @InjectMeerkat
        static String staticConnectString;
        static String seenInBeforeAll;

        @InjectMeerkat
        Meerkat server;
        @InjectMeerkat
        String connectString;

        @BeforeAll
        static void beforeAll() {
            seenInBeforeAll = staticConnectString;
        }

        @Test
        void injectsFieldsAndParameters(Meerkat parameter, @InjectMeerkat String connect) throws IOException {
            assertThat(seenInBeforeAll).isNotNull().startsWith("127.0.0.1:");
            assertThat(server).isSameAs(staticServer).isSameAs(parameter);
            assertThat(connectString).isEqualTo(staticConnectString).isEqualTo(connect).isEqualTo(server.connectString());
            assertThat(ruok(connectString)).isEqualTo("imok");
        }

        @Test
        void oneServerPerClass(Meerkat parameter) {
            assertThat(parameter).isSameAs(staticServer);
        }

        @Nested
        class Inner {
            @Test
            void sharesTheEnclosingServer(Meerkat parameter) {
                assertThat(parameter).isSameAs(staticServer);
            }
        }
    }

    @Nested
    class Programmatic {
        @RegisterExtension
        static MeerkatExtension meerkat = new MeerkatExtension();

        @Test
        void exposesTheServer() throws IOException {
            assertThat(meerkat.connectString()).isEqualTo(meerkat.meerkat().connectString());
            assertThat(meerkat.connectString("/kafka")).isEqualTo(meerkat.connectString() + "/kafka");
            assertThat(ruok(meerkat.connectString())).isEqualTo("imok");
        }
    }

    @Nested
    @EmbeddedMeerkat(lifecycle = Lifecycle.PER_METHOD)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class PerMethod {
        static final Set<String> seen = ConcurrentHashMap.newKeySet();

        @InjectMeerkat
        Meerkat server;

        @Test
        @Order(1)
        void aFreshServerForEveryTest(Meerkat parameter) throws Exception {
            assertThat(parameter).isSameAs(server);
            assertThat(ruok(server.connectString())).isEqualTo("imok");
            createNode(server.connectString(), "/left-behind");
            assertThat(seen.add(server.connectString())).isTrue();
        }

        @Test
        @Order(2)
        void theNextTestSeesAnEmptyTree(@InjectMeerkat String connect) throws Exception {
            assertThat(seen).doesNotContain(connect);
            assertThat(seen.add(connect)).isTrue();
            try (ZooKeeper zk = connect(connect)) {
                assertThat(zk.exists("/left-behind", false)).isNull();
            }
        }
    }

    @Nested
    class ProgrammaticPerMethod {
        @RegisterExtension
        MeerkatExtension meerkat = new MeerkatExtension();   // an instance field: JUnit registers it per test
        static String previous;

        @RepeatedTest(2)
        void eachRepetitionGetsItsOwnServer() throws IOException {
            assertThat(ruok(meerkat.connectString())).isEqualTo("imok");
            assertThat(meerkat.connectString()).isNotEqualTo(previous);
            previous = meerkat.connectString();
        }
    }

    static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    static void createNode(String connectString, String path) throws Exception {
        try (ZooKeeper zk = connect(connectString)) {
            zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }
}
