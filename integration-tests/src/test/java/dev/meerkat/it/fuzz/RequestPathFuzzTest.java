package dev.meerkat.it.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meerkat.it.hardening.Clients;
import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ConnectRequest;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole request path of a running server: a client opens a
 * session and sends whatever the fuzzer makes, framed or not, then ends its side. The server must
 * answer or close within seconds (no hang), stay up (no crash, no exhaustion), and keep serving a
 * bystander session through it all. Seeds are real client traffic (see {@link SeedCorpusRecorder}).
 */
class RequestPathFuzzTest {
    private static Meerkat meerkat;
    private static ZooKeeper bystander;
    private static byte[] connect;
    private static long inputs;
    private static final String SEED = "/bystander/seed";

    @BeforeAll
    static void start() throws Exception {
        meerkat = Meerkat.start(ServerConfig.defaults().withClientPort(0).withClientPortAddress("127.0.0.1").withDataDir(null)
                .withMaxClientCnxns(0).withContainerCheckIntervalMs(50));
        bystander = Clients.connect(meerkat.connectString());
        // The fuzzer's sessions may do anything an anonymous client may (a setACL on an open node
        // included): the bystander's node is readable by all and changeable by the bystander only,
        // under a parent that only the bystander can add to or remove from.
        bystander.addAuthInfo("digest", ("bystander:" + java.util.UUID.randomUUID()).getBytes());
        List<ACL> mine = new ArrayList<>(ZooDefs.Ids.CREATOR_ALL_ACL);
        mine.addAll(ZooDefs.Ids.READ_ACL_UNSAFE);
        bystander.create("/bystander", null, mine, CreateMode.PERSISTENT);
        bystander.create(SEED, "data".getBytes(), mine, CreateMode.PERSISTENT);
        JuteOutput o = new JuteOutput();
        int mark = o.beginFrame();
        new ConnectRequest(0, 0, 4000, 0, new byte[16], false).write(o);
        o.endFrame(mark);
        connect = o.toByteArray();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            bystanderIsServed();
            if (meerkat.node().failure() != null) throw new AssertionError("the node failed", meerkat.node().failure());
        } finally {
            if (bystander != null) bystander.close();
            if (meerkat != null) meerkat.close();
        }
    }

    private static void bystanderIsServed() throws Exception {
        CompletableFuture<Integer> rc = new CompletableFuture<>();
        bystander.exists(SEED, false, (code, path, ctx, stat) -> rc.complete(code), null);
        if (rc.get(10, TimeUnit.SECONDS) != 0) throw new AssertionError("the bystander's read failed with " + rc.get());
    }

    @FuzzTest(maxDuration = "1h")
    void clientBytesAfterConnect(byte[] input) throws Exception {
        try (Socket s = new Socket("127.0.0.1", meerkat.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(connect);
            s.getOutputStream().write(input);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] sink = new byte[1 << 16];
            try {
                while (in.read(sink) >= 0) {
                    // the replies, whatever they are
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server neither answered nor closed within 5 s of " + input.length + " bytes");
            } catch (IOException reset) {
                // closed with a reset: fine
            }
        }
        if (++inputs % 64 == 0) bystanderIsServed();
    }
}
