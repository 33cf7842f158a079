package dev.meerkat.server.migrate;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data of a ZooKeeper ensemble member: zxids carry the leader epoch in their high 32 bits and
 * restart their counter at each new epoch. The import must accept the jump to a new epoch, and
 * Meerkat (whose zxid is its log index) must serve those zxids and continue above them.
 */
class EnsembleZxidImportTest {
    private static final long EPOCH_5 = 5L << 32;
    private static final long EPOCH_7 = 7L << 32;

    @TempDir
    Path dir;

    @Test
    void zxidsOfLaterEpochsAreKeptAndMeerkatContinuesAboveThem() throws Exception {
        Path zk = dir.resolve("zk");
        FileTxnSnapLog snapLog = new FileTxnSnapLog(zk.toFile(), zk.toFile());
        try {
            DataTree dt = new DataTree();
            dt.createNode("/kafka", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, -1, EPOCH_5 + 9, 1_700_000_000_000L);
            dt.lastProcessedZxid = EPOCH_5 + 9;
            snapLog.save(dt, new ConcurrentHashMap<>(), true);
            snapLog.append(create(EPOCH_5 + 10, "/kafka/a", 1));
            snapLog.append(create(EPOCH_7 + 1, "/kafka/b", 2)); // a new leader: the counter starts again
            snapLog.append(create(EPOCH_7 + 2, "/kafka/c", 3));
            snapLog.commit();
        } finally {
            snapLog.close();
        }
        Path data = dir.resolve("meerkat");
        OfflineImport.Summary s = new OfflineImport(new OfflineImport.Options(zk, null, data, null, false, false, false),
                ConsoleProgress.on(new PrintWriter(Writer.nullWriter()))).run();
        assertThat(s.lastZookeeperZxid()).isEqualTo(EPOCH_7 + 2);
        assertThat(s.snapshotIndex()).isEqualTo(EPOCH_7 + 2);

        try (Meerkat meerkat = Meerkat.embedded(data); ZooKeeper c = connect(meerkat.connectString())) {
            assertThat(c.exists("/kafka/a", false).getCzxid()).isEqualTo(EPOCH_5 + 10);
            assertThat(c.exists("/kafka/b", false).getCzxid()).isEqualTo(EPOCH_7 + 1);
            Stat kafka = c.exists("/kafka", false);
            assertThat(kafka.getPzxid()).isEqualTo(EPOCH_7 + 2);
            assertThat(kafka.getCversion()).isEqualTo(3);
            c.create("/kafka/after", "x".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            assertThat(c.exists("/kafka/after", false).getCzxid()).isGreaterThan(EPOCH_7 + 2);
        }
    }

    /** A create as ZooKeeper logs it: with the parent's cversion after it. */
    private static Request create(long zxid, String path, int parentCversion) {
        TxnHeader h = new TxnHeader(1, (int) zxid, zxid, 1_700_000_000_000L, ZooDefs.OpCode.create);
        return new Request(h, new CreateTxn(path, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, false, parentCversion), null);
    }

    private static ZooKeeper connect(String cs) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(cs, 30_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) up.countDown();
        });
        assertThat(up.await(30, TimeUnit.SECONDS)).isTrue();
        return zk;
    }
}
