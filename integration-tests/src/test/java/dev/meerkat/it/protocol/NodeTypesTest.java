package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Persistent, ephemeral, both sequential kinds, containers and TTL nodes. */
class NodeTypesTest {
    private static final List<org.apache.zookeeper.data.ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static Meerkat meerkat;
    private static ZooKeeper zk;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Zk.meerkat();
        zk = Zk.connect(meerkat.connectString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) zk.close();
        if (meerkat != null) meerkat.close();
    }

    @Test
    void persistentAndEphemeral() throws Exception {
        zk.create("/nt-p", null, OPEN, CreateMode.PERSISTENT);
        assertThat(zk.exists("/nt-p", false).getEphemeralOwner()).isZero();
        ZooKeeper other = Zk.connect(meerkat.connectString());
        other.create("/nt-p/e", null, OPEN, CreateMode.EPHEMERAL);
        assertThat(zk.exists("/nt-p/e", false).getEphemeralOwner()).isEqualTo(other.getSessionId());
        assertThatThrownBy(() -> other.create("/nt-p/e/child", null, OPEN, CreateMode.PERSISTENT))
                .isInstanceOf(KeeperException.NoChildrenForEphemeralsException.class);
        other.close();
        assertThat(zk.exists("/nt-p/e", false)).isNull();
        assertThat(zk.exists("/nt-p", false)).isNotNull();
    }

    @Test
    void sequentialSuffixComesFromParentCversion() throws Exception {
        zk.create("/nt-s", null, OPEN, CreateMode.PERSISTENT);
        assertThat(zk.create("/nt-s/q-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo("/nt-s/q-0000000000");
        zk.create("/nt-s/plain", null, OPEN, CreateMode.PERSISTENT);
        zk.delete("/nt-s/plain", -1);
        // the suffix counts creates only (as ZooKeeper); the reported cversion counts deletes too
        assertThat(zk.create("/nt-s/q-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL)).isEqualTo("/nt-s/q-0000000002");
        assertThat(zk.create("/nt-s/", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo("/nt-s/0000000003");
        Stat st = zk.exists("/nt-s", false);
        assertThat(st.getCversion()).isEqualTo(5);
        assertThat(st.getNumChildren()).isEqualTo(3);
    }

    @Test
    void containerIsReapedOnceItsLastChildGoes() throws Exception {
        zk.create("/nt-c", null, OPEN, CreateMode.CONTAINER);
        zk.create("/nt-c/kid", null, OPEN, CreateMode.PERSISTENT);
        zk.create("/nt-c-empty", null, OPEN, CreateMode.CONTAINER);
        zk.delete("/nt-c/kid", -1);
        await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/nt-c", false) == null);
        // a container that never had a child stays
        assertThat(zk.exists("/nt-c-empty", false)).isNotNull();
    }

    @Test
    void ttlNodeExpiresWhenUntouchedAndChildless() throws Exception {
        Stat st = new Stat();
        zk.create("/nt-ttl", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, st, 300);
        String parent = zk.create("/nt-ttl-parent", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, st, 300);
        assertThat(parent).matches("/nt-ttl-parent\\d{10}");
        zk.create(parent + "/kid", null, OPEN, CreateMode.PERSISTENT);
        await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/nt-ttl", false) == null);
        assertThat(zk.exists(parent, false)).as("a TTL node with a child stays").isNotNull();
        zk.delete(parent + "/kid", -1);
        await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists(parent, false) == null);
    }
}
