package dev.meerkat.it.cluster;

import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.ConnectResponse;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Curator's recipes, raw protocol sessions and kazoo (Python) on an ensemble whose leader dies. */
class EnsembleClientsTest {

    private static CuratorFramework curator(String connectString) {
        // Only a lost session is an error for the recipes (a moved connection is not): leadership and
        // locks are as durable as the session, which a failover must not end.
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connectString).sessionTimeoutMs(8000)
                .connectionTimeoutMs(8000).retryPolicy(new ExponentialBackoffRetry(100, 10))
                .connectionStateErrorPolicy(new org.apache.curator.framework.state.SessionConnectionStateErrorPolicy()).build();
        c.start();
        return c;
    }

    @Test
    void curatorLockLatchAndCacheOutliveALeaderKill() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(1000), RunDirs.fresh("curator"));
             CuratorFramework a = curator(e.connectString());
             CuratorFramework b = curator(e.connectString());
             CuratorCache cache = CuratorCache.build(b, "/cache");
             LeaderLatch latchA = new LeaderLatch(a, "/latch", "a");
             LeaderLatch latchB = new LeaderLatch(b, "/latch", "b")) {
            AtomicInteger leadershipChanges = new AtomicInteger();
            LeaderLatchListener counter = new LeaderLatchListener() {
                public void isLeader() { leadershipChanges.incrementAndGet(); }
                public void notLeader() { leadershipChanges.incrementAndGet(); }
            };
            latchA.addListener(counter);
            latchB.addListener(counter);
            latchA.start();
            latchB.start();
            cache.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> latchA.hasLeadership() != latchB.hasLeadership());
            int changesBefore = leadershipChanges.get();
            InterProcessMutex lockA = new InterProcessMutex(a, "/lock");
            InterProcessMutex lockB = new InterProcessMutex(b, "/lock");
            assertThat(lockA.acquire(10, TimeUnit.SECONDS)).isTrue();
            a.create().creatingParentsIfNeeded().forPath("/cache/before");

            e.kill(e.leader());
            // Idempotent: a create whose answer was lost with the leader is retried, and may find its own node.
            a.create().idempotent().forPath("/cache/during");
            e.awaitAllServing(Duration.ofSeconds(30));
            a.create().idempotent().forPath("/cache/after");

            assertThat(lockB.acquire(1, TimeUnit.SECONDS)).as("A still holds the lock: its session lived on").isFalse();
            lockA.release();
            assertThat(lockB.acquire(10, TimeUnit.SECONDS)).isTrue();
            lockB.release();
            await("the cache saw every change").atMost(Duration.ofSeconds(20)).until(() ->
                    cache.get("/cache/before").isPresent() && cache.get("/cache/during").isPresent() && cache.get("/cache/after").isPresent());
            assertThat(leadershipChanges.get()).as("the latch did not flap while the servers failed over").isEqualTo(changesBefore);
            assertThat(latchA.hasLeadership() != latchB.hasLeadership()).isTrue();
        }
    }

    /** A bare protocol session, as kazoo and other raw clients drive one. */
    static final class RawSession implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        RawSession(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(15_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** The ConnectResponse, or null when the server closed the connection instead. */
        ConnectResponse connect(long lastZxidSeen, long sessionId, byte[] password) throws IOException {
            JuteOutput o = new JuteOutput();
            int mark = o.beginFrame();
            new ConnectRequest(0, lastZxidSeen, 8000, sessionId, password, false).write(o);
            o.endFrame(mark);
            out.write(o.toByteArray());
            out.flush();
            try {
                int length = in.readInt();
                byte[] body = new byte[length];
                in.readFully(body);
                return ConnectResponse.read(new JuteInput(body));
            } catch (EOFException | java.net.SocketException closed) {
                return null;
            }
        }

        /** Whether the server closed this connection (reads until EOF, ignoring anything it sends first). */
        boolean closedByServer() {
            try {
                while (in.read() >= 0) {
                    // pings are not sent by us; any bytes (a notification) are skipped
                }
                return true;
            } catch (IOException e) {
                return e instanceof java.net.SocketException;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aRawSessionReattachesOnAnotherServerAndTheOldConnectionIsLetGo() throws Exception {
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3), RunDirs.fresh("raw-sessions"))) {
            int leader = e.leader();
            int f1 = e.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
            int f2 = e.ids().stream().filter(id -> id != leader && id != f1).findFirst().orElseThrow();
            try (RawSession first = new RawSession(proxyPort(e, f1)); RawSession second = new RawSession(proxyPort(e, f2));
                 RawSession ahead = new RawSession(proxyPort(e, f2))) {
                ConnectResponse opened = first.connect(0, 0, new byte[16]);
                assertThat(opened.timeOut()).isPositive();
                ConnectResponse moved = second.connect(0, opened.sessionId(), opened.passwd());
                assertThat(moved.sessionId()).as("the same session, re-attached on another server").isEqualTo(opened.sessionId());
                assertThat(moved.timeOut()).isPositive();
                assertThat(first.closedByServer()).as("the old server lets go of a session that moved").isTrue();
                // A client that has seen more than this server applied is turned away (it tries the next).
                assertThat(ahead.connect(Long.MAX_VALUE / 2, 0, new byte[16])).isNull();
            }
            try (RawSession wrong = new RawSession(proxyPort(e, leader))) {
                ConnectResponse expired = wrong.connect(0, 0x123456789L, new byte[16]);
                assertThat(expired.timeOut()).as("an unknown session is answered as expired").isZero();
            }
        }
    }

    private static int proxyPort(MeerkatEnsemble e, int id) {
        String address = e.connectString(id);
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    @Test
    void kazooKeepsItsSessionAcrossALeaderKill() throws Exception {
        Path script = Files.writeString(RunDirs.fresh("kazoo-script").resolve("session.py"), """
                import sys, time
                from kazoo.client import KazooClient
                zk = KazooClient(hosts=sys.argv[1], timeout=8.0)
                zk.start(timeout=30)
                zk.create("/kazoo-eph", b"1", ephemeral=True)
                print("READY %x" % zk.client_id[0], flush=True)
                sys.stdin.readline()
                zk.set("/kazoo-eph", b"2")
                data, stat = zk.get("/kazoo-eph")
                print("DONE %x %s %d" % (zk.client_id[0], data.decode(), stat.version), flush=True)
                zk.stop()
                """);
        try (MeerkatEnsemble e = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withTickTime(1000), RunDirs.fresh("kazoo"))) {
            Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), e.connectString()).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
                String ready = readLine(out, "READY");
                e.kill(e.leader());
                e.awaitAllServing(Duration.ofSeconds(30));
                python.getOutputStream().write('\n');
                python.getOutputStream().flush();
                String done = readLine(out, "DONE");
                assertThat(done).isEqualTo("DONE " + ready.substring(6) + " 2 1");
                assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(python.exitValue()).isZero();
            } finally {
                python.destroyForcibly();
            }
        }
    }

    private static String readLine(BufferedReader out, String prefix) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(prefix)) return line;
        }
        throw new AssertionError("kazoo ended without printing " + prefix);
    }
}
