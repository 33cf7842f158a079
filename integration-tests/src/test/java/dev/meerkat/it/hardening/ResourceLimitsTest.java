package dev.meerkat.it.hardening;

import ch.qos.logback.classic.Level;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.SecurityConfig;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.ReplyHeader;
import dev.meerkat.wire.server.ConnectionLimits;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Each bound on what a client can make the server hold, bitten by a misbehaving raw-socket client
 * while a well-behaved one keeps working: the misbehaving one is refused or cut off, the limit's
 * meter counts it, one line says so in the log.
 */
class ResourceLimitsTest {

    private static Meerkat start(ConnectionLimits limits, int maxWatches) {
        ServerConfig c = ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(null);
        SecurityConfig.Builder b = c.security().toBuilder();
        b.limits = limits;
        b.maxWatchesPerSession = maxWatches;
        return Meerkat.start(c.withSecurity(b.build()).withMaxClientCnxns(0));
    }

    private static ConnectionLimits limits() {
        return ConnectionLimits.defaults();
    }

    @Test
    void connectionsThatNeverCompleteAFrameAreClosedWithoutStackTraces() throws Exception {
        ConnectionLimits l = limits();
        try (LogCapture log = new LogCapture("dev.meerkat", Level.INFO);
             Meerkat meerkat = start(l.withHandshakeTimeoutMs(500), 1000);
             ZooKeeper good = Clients.connect(meerkat.connectString())) {
            List<Socket> stuck = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket s = new Socket("127.0.0.1", meerkat.port());
                    s.getOutputStream().write(i % 2 == 0 ? new byte[]{0} : new byte[]{0, 0, 0, 40, 1, 2});
                    stuck.add(s);
                }
                long[] ms = Clients.latencies(good, 50);
                await().atMost(Duration.ofSeconds(30)).until(() -> meerkat.clientMetrics().handshakeTimeouts() >= 300);
                for (Socket s : stuck) {
                    s.setSoTimeout(10_000);
                    assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
                }
                assertThat(ms[ms.length - 1]).as("the well-behaved client's slowest call, ms").isLessThan(2000);
            } finally {
                for (Socket s : stuck) s.close();
            }
            // half of them also closed their end mid-frame: nothing of that is executed or logged with a stack
            assertThat(good.exists("/", false)).isNotNull();
            assertThat(log.withStackTraces()).isEmpty();
            assertThat(log.messages()).anyMatch(m -> m.contains("sent no complete ConnectRequest within 500 ms"));
            assertThat(log.messages().stream().filter(m -> m.contains("no complete ConnectRequest")).count())
                    .as("rate-limited: one line per interval, not one per connection").isLessThan(10);
        }
    }

    @Test
    void connectionsBeyondMaxCnxnsAreRefused() throws Exception {
        ConnectionLimits l = limits();
        try (Meerkat meerkat = start(l.withMaxCnxns(3), 1000);
             ZooKeeper a = Clients.connect(meerkat.connectString());
             ZooKeeper b = Clients.connect(meerkat.connectString());
             ZooKeeper c = Clients.connect(meerkat.connectString())) {
            try (Socket fourth = new Socket("127.0.0.1", meerkat.port())) {
                fourth.setSoTimeout(10_000);
                assertThat(fourth.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(meerkat.clientMetrics().connectionsRefusedTotal()).isEqualTo(1);
            assertThat(a.exists("/", false)).isNotNull();
            assertThat(c.exists("/", false)).isNotNull();
            b.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> meerkat.clientMetrics().connections() == 2);
            try (ZooKeeper again = Clients.connect(meerkat.connectString())) {
                assertThat(again.exists("/", false)).isNotNull();
            }
        }
    }

    @Test
    void globalOutstandingLimitThrottlesAPipeliningClientAndAnswersEverythingInOrder() throws Exception {
        ConnectionLimits l = limits();
        try (Meerkat meerkat = start(l.withGlobalOutstandingLimit(10), 1000);
             ZooKeeper good = Clients.connect(meerkat.connectString());
             Raw flood = new Raw(meerkat.port(), 0)) {
            good.create("/flood", new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            flood.connect();
            int n = 3000;
            flood.pipeline(n, OpCode.SET_DATA, o -> o.writeString("/flood").writeBuffer(new byte[100]).writeInt(-1));
            long[] ms = Clients.latencies(good, 30);
            for (int i = 1; i <= n; i++) {
                byte[] b = new byte[flood.in.readInt()];
                flood.in.readFully(b);
                ReplyHeader h = ReplyHeader.read(new JuteInput(b));
                assertThat(h.xid()).isEqualTo(i);
                assertThat(h.err()).isZero();
            }
            assertThat(meerkat.clientMetrics().throttleEvents()).as("the limit bit").isPositive();
            assertThat(ms[ms.length - 1]).as("the well-behaved client's slowest call, ms").isLessThan(3000);
            assertThat(good.exists("/flood", false).getVersion()).isEqualTo(n);
        }
    }

    @Test
    void watchesBeyondTheSessionsLimitAreRefusedWithThrottledOp() throws Exception {
        try (Meerkat meerkat = start(limits(), 5); ZooKeeper zk = Clients.connect(meerkat.connectString(), new org.apache.zookeeper.client.ZKClientConfig())) {
            LinkedBlockingQueue<String> fired = new LinkedBlockingQueue<>();
            for (int i = 0; i < 5; i++) {
                zk.create("/w" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.getData("/w" + i, e -> fired.add(e.getPath()), null);
            }
            zk.create("/w5", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThatThrownBy(() -> zk.getData("/w5", e -> fired.add(e.getPath()), null))
                    .isInstanceOfSatisfying(KeeperException.class, e -> assertThat(e.code()).isEqualTo(KeeperException.Code.THROTTLEDOP));
            // a read without a watch is not refused, and the watches set still fire
            assertThat(zk.getData("/w5", false, null)).isNull();
            zk.setData("/w0", new byte[1], -1);
            assertThat(fired.poll(10, TimeUnit.SECONDS)).isEqualTo("/w0");
            // the fired watch made room for one more
            zk.getData("/w5", e -> fired.add(e.getPath()), null);
            assertThat(meerkat.clientMetrics().watchesRefused()).isEqualTo(1);
        }
    }

    @Test
    void aMultiWithMoreOpsThanAllowedIsRefused() throws Exception {
        ConnectionLimits l = limits();
        try (Meerkat meerkat = start(l.withMaxMultiOps(3), 1000);
             ZooKeeper zk = Clients.connect(meerkat.connectString())) {
            List<Op> three = List.of(Op.create("/m1", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.create("/m2", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.create("/m3", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            assertThat(zk.multi(three)).hasSize(3);
            List<Op> four = new ArrayList<>();
            for (int i = 0; i < 4; i++) four.add(Op.delete("/m" + (i % 3 + 1), -1));
            assertThatThrownBy(() -> zk.multi(four))
                    .isInstanceOfSatisfying(KeeperException.class, e -> assertThat(e.code()).isEqualTo(KeeperException.Code.BADARGUMENTS));
            assertThat(zk.exists("/m1", false)).as("nothing of the refused multi ran").isNotNull();
            assertThat(meerkat.clientMetrics().multisRefused()).isEqualTo(1);
        }
    }
}
