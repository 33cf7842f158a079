package dev.meerkat.it.ops;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monitoring never costs the tree: mntr, srvr, stat and the other counter words, the AdminServer's
 * monitor and server_stats and the Prometheus scrape are answered while the tree thread is held
 * still (so they cannot be waiting on it, let alone scanning the tree on it), and a monitoring
 * agent scraping mntr a hundred times a second does not raise write latency on a 200,000-znode tree.
 */
class MonitoringCostTest {
    static final List<String> COUNTER_WORDS = List.of("ruok", "isro", "gtmk", "srst", "crst", "srvr", "stat", "cons", "conf",
            "envi", "dirs", "mntr", "wchs", "hash");

    @Test
    void countersAreReadWithoutTheTreeThread() throws Exception {
        try (Meerkat meerkat = Meerkat.start(Meerkat.embeddedConfig(null).withAdminServer(true, "127.0.0.1", 0))) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch held = new CountDownLatch(1);
            // Occupy the tree thread: nothing that needs it can be answered until release.
            meerkat.node().inspect(ctx -> {
                held.countDown();
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }, (r, z) -> { });
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> listing = CompletableFuture.supplyAsync(() -> {
                try {
                    return FourLetterClient.ask(meerkat.port(), "wchc", true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                for (String word : COUNTER_WORDS) {
                    assertThat(FourLetterClient.ask(meerkat.port(), word, true)).as(word).matches(FourLetterWordsCompletenessTest.WHOLE.get(word));
                }
                String admin = "http://127.0.0.1:" + meerkat.adminPort();
                assertThat(Http.get(admin + "/commands/monitor").body()).contains("\"znode_count\"");
                assertThat(Http.get(admin + "/commands/server_stats").body()).contains("\"node_count\"");
                assertThat(Http.get(admin + "/metrics").body()).contains("znode_count");
                // The one listing asked meanwhile does wait for the tree thread...
                assertThat(listing).isNotDone();
            } finally {
                release.countDown();
            }
            // ...and is answered once it is free.
            assertThat(listing.get(30, TimeUnit.SECONDS)).isEqualTo("\n");
        }
    }

    @Test
    void mntrScrapesDoNotRaiseWriteLatency() throws Exception {
        try (Meerkat meerkat = Meerkat.embedded()) {
            ZooKeeper zk = Workload.run(meerkat.connectString());
            try {
                Trees.fill(zk, 200_000);
                measure(zk, 500); // warm up
                long quiet = measure(zk, 2000);
                AtomicBoolean scraping = new AtomicBoolean(true);
                AtomicInteger scrapes = new AtomicInteger();
                Thread agent = new Thread(() -> {
                    while (scraping.get()) {
                        try {
                            if (FourLetterClient.ask(meerkat.port(), "mntr", true).contains("zk_znode_count")) scrapes.incrementAndGet();
                            Thread.sleep(10);
                        } catch (Exception e) {
                            return;
                        }
                    }
                }, "monitoring-agent");
                agent.start();
                long busy;
                try {
                    busy = measure(zk, 2000);
                } finally {
                    scraping.set(false);
                    agent.join(30_000);
                }
                System.out.printf("setData median latency on 200,000 znodes: %d us quiet, %d us with %d mntr scrapes%n",
                        quiet / 1000, busy / 1000, scrapes.get());
                assertThat(scrapes.get()).isGreaterThan(20);
                // A scan of 200,000 znodes per scrape would take the tree thread milliseconds each time; reading
                // published counters costs the writes nothing measurable. Allow for the agent's own CPU use.
                assertThat(busy).isLessThan(Math.max(2 * quiet, quiet + TimeUnit.MILLISECONDS.toNanos(1)));
            } finally {
                zk.close();
            }
        }
    }

    /** Median latency of {@code n} synchronous setData calls, in nanoseconds. */
    private static long measure(ZooKeeper zk, int n) throws Exception {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            zk.setData("/a", ("v" + i).getBytes(), -1);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return nanos[n / 2];
    }
}
