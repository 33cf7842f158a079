import dev.meerkat.junit.EmbeddedMeerkat;
import dev.meerkat.junit.InjectMeerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Version;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not from the docs: what this consumer project is meant to prove about its own classpath. It has
 * the libraries that used to break an embedded Meerkat (Netty 4.1, SLF4J 1.7, ZooKeeper 3.9.5) and
 * its JVM has no flags, yet Meerkat runs beside them.
 */
@EmbeddedMeerkat
class CoexistenceTest {
    @InjectMeerkat
    static String connectString;

    @Test
    void theTestJvmHasNoFlags() {
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
                .noneMatch(a -> a.contains("add-opens") || a.contains("add-exports"));
    }

    @Test
    void theProjectKeepsItsOwnNetty41() {
        assertThat(io.netty.util.Version.identify().get("netty-common").artifactVersion()).startsWith("4.1.");
    }

    @Test
    void logsGoThroughTheProjectsSlf4j17Binding() throws Exception {
        Class.forName("org.slf4j.impl.StaticLoggerBinder");   // only SLF4J 1.7 bindings have it
        assertThat(org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName()).isEqualTo("org.slf4j.impl.Reload4jLoggerFactory");
    }

    @Test
    void theZooKeeper395ClientTalksToMeerkat() throws Exception {
        assertThat(Version.getFullVersion()).startsWith("3.9.5");
        CountDownLatch connected = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper(connectString, 10_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        })) {
            assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
            zk.create("/coexistence", "ok".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(new String(zk.getData("/coexistence", false, null))).isEqualTo("ok");
        }
    }
}
