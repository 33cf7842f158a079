package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared helpers for the protocol tests: servers, connected clients and a watch-event recorder. */
final class Zk {
    static final int TIMEOUT_MS = 10_000;

    private Zk() {
    }

    /** A Meerkat with fast container/TTL reaping, in memory, on a free loopback port. */
    static Meerkat meerkat() {
        return Meerkat.start(config());
    }

    static ServerConfig config() {
        return Meerkat.embeddedConfig(null).withContainerCheckIntervalMs(100);
    }

    static ZooKeeper connect(String cs) throws Exception {
        return connect(cs, new Events());
    }

    /** Connects with {@code events} as the default watcher and waits until the session is up. */
    static ZooKeeper connect(String cs, Events events) throws Exception {
        ZooKeeper zk = new ZooKeeper(cs, TIMEOUT_MS, events);
        events.awaitConnected();
        return zk;
    }

    /** Records watch events as "Type path", and connection states separately. */
    static final class Events implements Watcher {
        private final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Event.KeeperState> states = new LinkedBlockingQueue<>();
        private volatile CountDownLatch connected = new CountDownLatch(1);

        @Override
        public void process(WatchedEvent e) {
            if (e.getType() == Event.EventType.None) {
                states.add(e.getState());
                if (e.getState() == Event.KeeperState.SyncConnected) connected.countDown();
            } else {
                events.add(e.getType() + " " + e.getPath());
            }
        }

        void awaitConnected() throws InterruptedException {
            assertThat(connected.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)).as("connected").isTrue();
            // the SyncConnected that released the latch is consumed, so states shows what comes next
            states.remove(Event.KeeperState.SyncConnected);
        }

        void expectReconnect() {
            connected = new CountDownLatch(1);
        }

        /**
         * Everything delivered so far: an async call's callback runs on the client's event thread
         * after every event that arrived before its reply, so it marks the end of the stream.
         */
        List<String> drain(ZooKeeper zk) throws InterruptedException {
            String mark = "MARK " + System.nanoTime();
            zk.exists("/", false, (rc, path, ctx, stat) -> events.add(mark), null);
            List<String> out = new ArrayList<>();
            while (true) {
                String e = events.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                assertThat(e).as("events until marker, got " + out).isNotNull();
                if (e.equals(mark)) return out;
                out.add(e);
            }
        }

        /** Waits for the next event (for events caused by the server on its own: expiry, reaping). */
        String next() throws InterruptedException {
            String e = events.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertThat(e).as("next event").isNotNull();
            return e;
        }
    }
}
