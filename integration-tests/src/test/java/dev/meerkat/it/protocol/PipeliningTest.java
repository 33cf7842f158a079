package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One session pipelining writes and reads: every read sees exactly the writes sent before it and
 * none sent after it (ZooKeeper's per-session FIFO order), and replies come back in request order,
 * even though writes are not held back behind reads.
 */
class PipeliningTest {
    private static Meerkat meerkat;
    private static ZooKeeper zk;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Meerkat.embedded();
        zk = Zk.connect(meerkat.connectString());
    }

    @AfterAll
    static void stop() throws Exception {
        zk.close();
        meerkat.close();
    }

    @Test
    void eachReadSeesExactlyTheWritesBeforeIt() throws Exception {
        zk.create("/pipe", "0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        int rounds = 2000;
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(rounds * 3);
        for (int i = 1; i <= rounds; i++) {
            String value = Integer.toString(i);
            int round = i;
            zk.setData("/pipe", value.getBytes(), -1, (rc, path, ctx, stat) -> {
                order.add("w" + round);
                done.countDown();
            }, null);
            // Two reads behind the write: both must see it, and neither may see the next round's write.
            for (int r = 0; r < 2; r++) {
                zk.getData("/pipe", false, (rc, path, ctx, data, stat) -> {
                    order.add("r" + round);
                    String seen = data == null ? null : new String(data, StandardCharsets.UTF_8);
                    if (rc != KeeperException.Code.OK.intValue() || !value.equals(seen) || stat.getVersion() != round) {
                        mismatches.add("round " + round + " saw " + seen + " (rc " + rc + ")");
                    }
                    done.countDown();
                }, null);
            }
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(mismatches).isEmpty();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            expected.add("w" + i);
            expected.add("r" + i);
            expected.add("r" + i);
        }
        assertThat(order).containsExactlyElementsOf(expected);
    }

    @Test
    void aWatchSetByAReadBehindAWriteFiresOnTheNextChange() throws Exception {
        zk.create("/pipe-watch", "a".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        CountDownLatch fired = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        zk.setData("/pipe-watch", "b".getBytes(), -1, (rc, path, ctx, stat) -> { }, null);
        zk.getData("/pipe-watch", e -> {
            if (e.getType() == Watcher.Event.EventType.NodeDataChanged) fired.countDown();
        }, (rc, path, ctx, data, stat) -> {
            assertThat(new String(data, StandardCharsets.UTF_8)).isEqualTo("b");
            read.countDown();
        }, null);
        assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fired.getCount()).isEqualTo(1);
        zk.setData("/pipe-watch", "c".getBytes(), -1);
        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
