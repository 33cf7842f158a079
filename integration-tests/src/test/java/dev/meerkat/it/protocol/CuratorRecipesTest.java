package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Curator 5.9.0 recipes against Meerkat. */
class CuratorRecipesTest {
    private static Meerkat meerkat;
    private static CuratorFramework a;
    private static CuratorFramework b;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Zk.meerkat();
        a = client();
        b = client();
    }

    private static CuratorFramework client() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(meerkat.connectString(), 10_000, 10_000, new RetryNTimes(3, 100));
        c.start();
        assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return c;
    }

    @AfterAll
    static void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (meerkat != null) meerkat.close();
    }

    @Test
    void interProcessMutexExcludesTheOtherClient() throws Exception {
        InterProcessMutex lockA = new InterProcessMutex(a, "/cur-lock");
        InterProcessMutex lockB = new InterProcessMutex(b, "/cur-lock");
        assertThat(lockA.acquire(5, TimeUnit.SECONDS)).isTrue();
        assertThat(lockB.acquire(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(a.getChildren().forPath("/cur-lock")).hasSize(1);
        lockA.release();
        assertThat(lockB.acquire(5, TimeUnit.SECONDS)).isTrue();
        assertThat(lockA.acquire(200, TimeUnit.MILLISECONDS)).isFalse();
        lockB.release();
        // Curator made the lock path a container: it is reaped once the last lock node goes
        await().atMost(Duration.ofSeconds(10)).until(() -> a.checkExists().forPath("/cur-lock") == null);
    }

    @Test
    void leaderLatchMovesWhenTheLeaderCloses() throws Exception {
        LeaderLatch first = new LeaderLatch(a, "/cur-leader", "a");
        {
            LeaderLatch second = new LeaderLatch(b, "/cur-leader", "b");
            first.start();
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            second.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> second.getParticipants().size() == 2);
            assertThat(second.hasLeadership()).isFalse();
            assertThat(second.getLeader().getId()).isEqualTo("a");
            first.close();
            assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(second.getLeader().getId()).isEqualTo("b");
            second.close();
        }
    }

    @Test
    void curatorCacheFollowsTheSubtree() throws Exception {
        a.create().creatingParentsIfNeeded().forPath("/cur-cache", "root".getBytes());
        List<String> seen = new CopyOnWriteArrayList<>();
        try (CuratorCache cache = CuratorCache.build(b, "/cur-cache")) {
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forCreates(n -> seen.add("create " + n.getPath()))
                    .forChanges((o, n) -> seen.add("change " + n.getPath() + " " + new String(n.getData())))
                    .forDeletes(n -> seen.add("delete " + n.getPath()))
                    .build());
            cache.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen, l -> l.contains("create /cur-cache"));
            a.create().forPath("/cur-cache/x", "1".getBytes());
            a.create().forPath("/cur-cache/x/y", "2".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> seen, l -> l.contains("create /cur-cache/x/y"));
            a.setData().forPath("/cur-cache/x/y", "3".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> seen, l -> l.contains("change /cur-cache/x/y 3"));
            a.delete().forPath("/cur-cache/x/y");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen, l -> l.contains("delete /cur-cache/x/y"));
            assertThat(seen).containsSubsequence("create /cur-cache", "create /cur-cache/x", "create /cur-cache/x/y",
                    "change /cur-cache/x/y 3", "delete /cur-cache/x/y");
            assertThat(cache.get("/cur-cache/x")).isPresent();
            assertThat(cache.get("/cur-cache/x/y")).isEmpty();
        }
    }

    @Test
    void distributedAtomicLongAndSharedCount() throws Exception {
        DistributedAtomicLong la = new DistributedAtomicLong(a, "/cur-counter", new RetryNTimes(10, 10));
        DistributedAtomicLong lb = new DistributedAtomicLong(b, "/cur-counter", new RetryNTimes(10, 10));
        for (int i = 0; i < 5; i++) {
            AtomicValue<Long> r1 = la.increment();
            AtomicValue<Long> r2 = lb.increment();
            assertThat(r1.succeeded()).isTrue();
            assertThat(r2.succeeded()).isTrue();
        }
        assertThat(la.get().postValue()).isEqualTo(10L);

        try (SharedCount ca = new SharedCount(a, "/cur-shared", 0); SharedCount cb = new SharedCount(b, "/cur-shared", 0)) {
            ca.start();
            cb.start();
            assertThat(ca.trySetCount(ca.getVersionedValue(), 7)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> cb.getCount() == 7);
            var stale = ca.getVersionedValue();
            assertThat(cb.trySetCount(cb.getVersionedValue(), 8)).isTrue();
            assertThat(ca.trySetCount(stale, 9)).as("stale version").isFalse();
        }
    }

    @Test
    void ttlAndContainerNodes() throws Exception {
        a.create().withTtl(300).creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT_WITH_TTL).forPath("/cur-ttl/node");
        Stat parent = a.checkExists().forPath("/cur-ttl");
        assertThat(parent).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.checkExists().forPath("/cur-ttl/node") == null);
        // the parent was made a container: it goes once emptied
        await().atMost(Duration.ofSeconds(10)).until(() -> a.checkExists().forPath("/cur-ttl") == null);

        a.create().creatingParentContainersIfNeeded().forPath("/cur-box/inner/leaf");
        a.delete().forPath("/cur-box/inner/leaf");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.checkExists().forPath("/cur-box") == null);
    }
}
