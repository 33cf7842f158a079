package dev.meerkat.it.fuzz;

import dev.meerkat.server.Meerkat;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Records the fuzzers' seed corpus from real client traffic: the official ZooKeeper client and
 * Curator talk to a Meerkat through a proxy that keeps every byte they send. Each connection's
 * bytes after its ConnectRequest seed the request-path fuzzer; each frame's body seeds the Jute
 * decoder fuzzer. Re-run (from the repository root) after the protocol gains an opcode:
 * <pre>
 * mvn -q -pl integration-tests -am test-compile
 * java -cp "$(cat integration-tests/target/test-classpath.txt)" dev.meerkat.it.fuzz.SeedCorpusRecorder
 * </pre>
 * (the class path file is written by {@code mvn -pl integration-tests dependency:build-classpath
 * -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test} plus the module's
 * target/test-classes and target/classes of the modules).
 */
public final class SeedCorpusRecorder {
    private SeedCorpusRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Path requestPath = root.resolve("integration-tests/src/test/resources/dev/meerkat/it/fuzz/RequestPathFuzzTestInputs/clientBytesAfterConnect");
        Path decoder = root.resolve("zk-wire/src/test/resources/dev/meerkat/wire/fuzz/JuteDecoderFuzzTestInputs/decode");
        Files.createDirectories(requestPath);
        Files.createDirectories(decoder);
        List<byte[]> streams = new ArrayList<>();
        try (Meerkat meerkat = Meerkat.embedded(); ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket client = proxy.accept();
                        Socket server = new Socket("127.0.0.1", meerkat.port());
                        ByteArrayOutputStream seen = new ByteArrayOutputStream();
                        synchronized (streams) {
                            streams.add(null);
                        }
                        int slot;
                        synchronized (streams) {
                            slot = streams.size() - 1;
                        }
                        pump(client.getInputStream(), server.getOutputStream(), seen, () -> {
                            synchronized (streams) {
                                streams.set(slot, seen.toByteArray());
                            }
                        });
                        pump(server.getInputStream(), client.getOutputStream(), null, () -> { });
                    }
                } catch (IOException e) {
                    // proxy closed
                }
            }, "recorder");
            acceptor.setDaemon(true);
            acceptor.start();
            String cs = "127.0.0.1:" + proxy.getLocalPort();
            traffic(cs);
            Thread.sleep(500);
        }
        int n = 0;
        int frames = 0;
        synchronized (streams) {
            for (byte[] s : streams) {
                if (s == null || s.length < 8) continue;
                List<byte[]> bodies = frames(s);
                if (bodies.isEmpty()) continue;
                int connectLength = 4 + bodies.get(0).length;
                byte[] after = java.util.Arrays.copyOfRange(s, connectLength, s.length);
                if (after.length > 0) Files.write(requestPath.resolve(String.format("connection-%03d", n++)), after);
                for (int i = 0; i < bodies.size(); i++) {
                    byte[] body = bodies.get(i);
                    Files.write(decoder.resolve(String.format("frame-%04d", frames++)), body);
                    // each request on its own, framed, seeds the request path too
                    if (i > 0) Files.write(requestPath.resolve(String.format("request-%04d", frames)),
                            ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
                }
            }
        }
        System.out.println("wrote " + n + " connection seeds to " + requestPath + " and " + frames + " frame seeds to " + decoder);
    }

    private static List<byte[]> frames(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(stream);
        while (b.remaining() >= 4) {
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) break;
            byte[] body = new byte[len];
            b.get(body);
            out.add(body);
        }
        return out;
    }

    private static void pump(InputStream in, OutputStream out, ByteArrayOutputStream copy, Runnable done) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int r; (r = in.read(buf)) >= 0; ) {
                    if (copy != null) {
                        copy.write(buf, 0, r);
                        done.run();
                    }
                    out.write(buf, 0, r);
                    out.flush();
                }
            } catch (IOException e) {
                // connection over
            }
        }, "pump");
        t.setDaemon(true);
        t.start();
    }

    /** What real clients send: the official client's every kind of request, and Curator's recipes. */
    private static void traffic(String cs) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper(cs, 10_000, e -> up.countDown())) {
            up.await(10, TimeUnit.SECONDS);
            zk.addAuthInfo("digest", "alice:secret".getBytes());
            zk.create("/seed", "data".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/seed/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            String sequential = zk.create("/seed/s-", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT_SEQUENTIAL);
            zk.create("/seed/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            zk.create("/seed/t", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, null, 60_000);
            zk.getData("/seed", true, null);
            zk.exists("/seed/missing", true);
            zk.getChildren("/seed", true);
            zk.getChildren("/seed", false, new org.apache.zookeeper.data.Stat());
            zk.setData("/seed", "more".getBytes(), -1);
            zk.getACL("/seed", null);
            zk.setACL("/seed", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
            zk.sync("/seed", (rc, p, ctx) -> { }, null);
            zk.multi(List.of(Op.create("/seed/m", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.setData("/seed/m", "x".getBytes(), 0), Op.check("/seed", -1), Op.delete("/seed/m", -1)));
            zk.getEphemerals("/seed");
            zk.getAllChildrenNumber("/seed");
            zk.addWatch("/seed", AddWatchMode.PERSISTENT_RECURSIVE);
            zk.removeAllWatches("/seed", org.apache.zookeeper.Watcher.WatcherType.Any, false);
            zk.whoAmI();
            zk.delete(sequential, -1);
        }
        try (CuratorFramework c = CuratorFrameworkFactory.newClient(cs, new RetryOneTime(100))) {
            c.start();
            c.blockUntilConnected(10, TimeUnit.SECONDS);
            InterProcessMutex lock = new InterProcessMutex(c, "/seed/lock");
            lock.acquire();
            lock.release();
            c.create().creatingParentsIfNeeded().forPath("/seed/deep/er/path", "v".getBytes());
            c.delete().deletingChildrenIfNeeded().forPath("/seed/deep");
        }
    }
}
