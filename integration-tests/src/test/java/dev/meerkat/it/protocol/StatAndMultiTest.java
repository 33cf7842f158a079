package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stat fields, zxid order, null data, multi results and chrooted clients. */
class StatAndMultiTest {
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
    void statFieldsFollowZooKeepersRules() throws Exception {
        long before = System.currentTimeMillis();
        Stat created = new Stat();
        zk.create("/st", new byte[]{1, 2, 3}, OPEN, CreateMode.PERSISTENT, created);
        assertThat(created.getCtime()).isEqualTo(created.getMtime()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        assertThat(created.getCzxid()).isEqualTo(created.getMzxid()).isEqualTo(created.getPzxid());
        assertThat(created.getDataLength()).isEqualTo(3);
        Stat child = new Stat();
        zk.create("/st/c", null, OPEN, CreateMode.PERSISTENT, child);
        Stat parent = zk.exists("/st", false);
        // a child create bumps cversion and pzxid only
        assertThat(parent.getMzxid()).isEqualTo(created.getMzxid());
        assertThat(parent.getVersion()).isZero();
        assertThat(parent.getCversion()).isEqualTo(1);
        assertThat(parent.getPzxid()).isEqualTo(child.getCzxid()).isGreaterThan(created.getCzxid());
        Stat set = zk.setData("/st", null, 0);
        assertThat(set.getMzxid()).isGreaterThan(child.getCzxid());
        assertThat(set.getDataLength()).isZero();
        assertThat(set.getPzxid()).isEqualTo(child.getCzxid());
        zk.delete("/st/c", -1);
        Stat afterDelete = zk.exists("/st", false);
        assertThat(afterDelete.getPzxid()).isGreaterThan(set.getMzxid());
        assertThat(afterDelete.getCversion()).isEqualTo(2);
        assertThat(afterDelete.getNumChildren()).isZero();
        assertThat(afterDelete.getMzxid()).isEqualTo(set.getMzxid());
    }

    @Test
    void zxidsGrowWithEveryWrite() throws Exception {
        long last = 0;
        for (int i = 0; i < 20; i++) {
            Stat st = new Stat();
            zk.create("/zx-" + i, null, OPEN, CreateMode.PERSISTENT, st);
            assertThat(st.getCzxid()).isGreaterThan(last);
            last = st.getCzxid();
            Stat s2 = zk.setData("/zx-" + i, new byte[]{(byte) i}, 0);
            assertThat(s2.getMzxid()).isGreaterThan(last);
            last = s2.getMzxid();
        }
    }

    @Test
    void nullDataRoundTripsAsNullAndEmptyAsEmpty() throws Exception {
        zk.create("/nd", null, OPEN, CreateMode.PERSISTENT);
        assertThat(zk.getData("/nd", false, null)).isNull();
        zk.setData("/nd", new byte[0], -1);
        assertThat(zk.getData("/nd", false, null)).isEmpty();
        zk.setData("/nd", null, -1);
        assertThat(zk.getData("/nd", false, null)).isNull();
        List<OpResult> r = zk.multi(List.of(Op.getData("/nd")));
        assertThat(((OpResult.GetDataResult) r.get(0)).getData()).isNull();
    }

    @Test
    void failedMultiReportsEachOpAndAppliesNothing() throws Exception {
        zk.create("/fm", null, OPEN, CreateMode.PERSISTENT);
        try {
            zk.multi(List.of(Op.create("/fm/a", null, OPEN, CreateMode.PERSISTENT),
                    Op.create("/fm/s-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.check("/fm", 7),
                    Op.delete("/fm", -1)));
            throw new AssertionError("multi should fail");
        } catch (KeeperException e) {
            assertThat(e.code()).isEqualTo(KeeperException.Code.BADVERSION);
            assertThat(e.getResults()).extracting(x -> ((OpResult.ErrorResult) x).getErr()).containsExactly(0, 0, -103, -2);
        }
        assertThat(zk.getChildren("/fm", false)).isEmpty();
        assertThat(zk.exists("/fm", false).getCversion()).isZero();
        // the sequence number was not used up
        List<OpResult> ok = zk.multi(List.of(Op.create("/fm/s-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL)));
        assertThat(((OpResult.CreateResult) ok.get(0)).getPath()).isEqualTo("/fm/s-0000000000");
    }

    @Test
    void chrootedClientSeesItsOwnPaths() throws Exception {
        zk.create("/chroot", null, OPEN, CreateMode.PERSISTENT);
        try (ZooKeeper chrooted = Zk.connect(meerkat.connectString() + "/chroot")) {
            assertThat(chrooted.create("/a", null, OPEN, CreateMode.PERSISTENT)).isEqualTo("/a");
            assertThat(chrooted.create("/a/s-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL)).isEqualTo("/a/s-0000000000");
            List<OpResult> r = chrooted.multi(List.of(Op.create("/b", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL)));
            // the 3.9.5 client strips its chroot from create replies but not from multi results (as against
            // ZooKeeper, see CrudDifferentialTest.chrootedClientPaths): the server sends full paths
            assertThat(((OpResult.CreateResult) r.get(0)).getPath()).isEqualTo("/chroot/b0000000001");
            // getEphemerals answers full server paths, which this client does not strip either (same on ZooKeeper)
            assertThat(chrooted.getEphemerals()).containsExactly("/chroot/a/s-0000000000");
            assertThat(chrooted.getChildren("/", false)).containsExactlyInAnyOrder("a", "b0000000001");
            assertThatThrownBy(() -> chrooted.delete("/a", -1)).isInstanceOf(KeeperException.NotEmptyException.class);
        }
        assertThat(zk.getChildren("/chroot", false)).containsExactlyInAnyOrder("a", "b0000000001");
        assertThat(zk.getChildren("/chroot/a", false)).isEmpty();
    }
}
