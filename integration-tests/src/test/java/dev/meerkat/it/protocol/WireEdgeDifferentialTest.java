package dev.meerkat.it.protocol;

import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.ConnectResponse;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.GetChildrenResponse;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.ReplyHeader;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte-level edge cases, sent as the same bytes to Meerkat and to Apache ZooKeeper 3.9.5: each must
 * get the same answer (an error code, a reply, or a closed connection) from both.
 */
class WireEdgeDifferentialTest {
    private static final List<dev.meerkat.wire.proto.ACL> OPEN =
            List.of(new dev.meerkat.wire.proto.ACL(31, new dev.meerkat.wire.proto.Id("world", "anyone")));
    private static DifferentialSupport servers;

    @BeforeAll
    static void start() throws Exception {
        servers = new DifferentialSupport();
        for (String cs : List.of(servers.meerkat.connectString(), servers.reference.connectString())) {
            try (ZooKeeper zk = Zk.connect(cs)) {
                zk.create("/edge", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) servers.close();
    }

    private static int meerkatPort() {
        return servers.meerkat.port();
    }

    private static int zooKeeperPort() {
        String cs = servers.reference.connectString();
        return Integer.parseInt(cs.substring(cs.lastIndexOf(':') + 1));
    }

    /** What one frame sent after a ConnectRequest gets: "err N", or "closed". */
    private static String outcome(int port, int type, Consumer<JuteOutput> body) throws IOException {
        try (RawClient raw = new RawClient(port)) {
            raw.connect();
            JuteOutput o = new JuteOutput();
            int mark = o.beginFrame();
            o.writeInt(7).writeInt(type);
            body.accept(o);
            o.endFrame(mark);
            try {
                raw.sendRaw(o.toByteArray());
            } catch (SocketException e) {
                return "closed"; // closed as soon as the length was read, before the body was all sent
            }
            byte[] frame = raw.readFrame();
            if (frame == null) return "closed";
            return "err " + ReplyHeader.read(new JuteInput(frame)).err();
        }
    }

    private static void sameOutcome(String label, int type, Consumer<JuteOutput> body) throws IOException {
        List<String> differences = new ArrayList<>();
        sameOutcome(differences, label, type, body);
        assertThat(differences).isEmpty();
    }

    /** Records a difference instead of failing at once, so that one run shows them all. */
    private static void sameOutcome(List<String> differences, String label, int type, Consumer<JuteOutput> body) throws IOException {
        String zk = outcome(zooKeeperPort(), type, body);
        String meerkat = outcome(meerkatPort(), type, body);
        if (!meerkat.equals(zk)) differences.add(label + ": ZooKeeper " + zk + ", Meerkat " + meerkat);
    }

    @Test
    void nullEmptyAndNulPathsOfReadsGetZooKeepersCodes() throws IOException {
        List<String> paths = new ArrayList<>();
        paths.add(null);
        paths.add("");
        paths.add("/edge\u0000x");
        List<String> d = new ArrayList<>();
        for (String path : paths) {
            String p = path == null ? "null" : path.isEmpty() ? "\"\"" : "NUL";
            sameOutcome(d, "getData " + p, OpCode.GET_DATA, o -> o.writeString(path).writeBool(false));
            sameOutcome(d, "exists " + p, OpCode.EXISTS, o -> o.writeString(path).writeBool(false));
            sameOutcome(d, "getChildren " + p, OpCode.GET_CHILDREN, o -> o.writeString(path).writeBool(false));
            sameOutcome(d, "getChildren2 " + p, OpCode.GET_CHILDREN2, o -> o.writeString(path).writeBool(false));
            sameOutcome(d, "getACL " + p, OpCode.GET_ACL, o -> o.writeString(path));
            sameOutcome(d, "getAllChildrenNumber " + p, OpCode.GET_ALL_CHILDREN_NUMBER, o -> o.writeString(path));
            sameOutcome(d, "watched getData " + p, OpCode.GET_DATA, o -> o.writeString(path).writeBool(true));
            sameOutcome(d, "setData " + p, OpCode.SET_DATA, o -> o.writeString(path).writeBuffer(new byte[1]).writeInt(-1));
            sameOutcome(d, "delete " + p, OpCode.DELETE, o -> o.writeString(path).writeInt(-1));
            sameOutcome(d, "create " + p, OpCode.CREATE, o -> new CreateRequest(path, null, OPEN, 0).write(o));
            sameOutcome(d, "create2 " + p, OpCode.CREATE2, o -> new CreateRequest(OpCode.CREATE2, path, null, OPEN, 0).write(o));
            sameOutcome(d, "setACL " + p, OpCode.SET_ACL, o -> {
                o.writeString(path).writeInt(1).writeInt(31).writeString("world").writeString("anyone").writeInt(-1);
            });
            sameOutcome(d, "sync " + p, OpCode.SYNC, o -> o.writeString(path));
            sameOutcome(d, "addWatch " + p, OpCode.ADD_WATCH, o -> o.writeString(path).writeInt(0));
            sameOutcome(d, "multi delete " + p, OpCode.MULTI, o -> {
                o.writeInt(OpCode.DELETE).writeBool(false).writeInt(-1).writeString(path).writeInt(-1);
                o.writeInt(-1).writeBool(true).writeInt(-1);
            });
        }
        assertThat(d).isEmpty();
    }

    @Test
    void getDataOfTheEmptyPathReadsTheRoot() throws IOException {
        for (int port : new int[]{zooKeeperPort(), meerkatPort()}) {
            assertThat(outcome(port, OpCode.GET_DATA, o -> o.writeString("").writeBool(false))).as("port " + port).isEqualTo("err 0");
        }
    }

    @Test
    void negativeAclCountsAreAnEmptyAcl() throws IOException {
        for (int count : new int[]{-3, -2, 0}) {
            sameOutcome("create with ACL count " + count, OpCode.CREATE,
                    o -> o.writeString("/edge/acl").writeBuffer(null).writeInt(count).writeInt(0));
        }
        sameOutcome("create with ACL count -1 (null)", OpCode.CREATE,
                o -> o.writeString("/edge/acl").writeBuffer(null).writeInt(-1).writeInt(0));
    }

    @Test
    void aclEntriesWithANullSchemeOrIdAreInvalid() throws IOException {
        // found by RequestPathFuzzTest: such an entry used to stop the log thread, and with it the server
        List<String> d = new ArrayList<>();
        sameOutcome(d, "create, null scheme", OpCode.CREATE,
                o -> o.writeString("/edge/nul").writeBuffer(null).writeInt(1).writeInt(31).writeString(null).writeString("anyone").writeInt(0));
        sameOutcome(d, "create, null id", OpCode.CREATE,
                o -> o.writeString("/edge/nul").writeBuffer(null).writeInt(1).writeInt(31).writeString("digest").writeString(null).writeInt(0));
        sameOutcome(d, "setACL, null scheme", OpCode.SET_ACL,
                o -> o.writeString("/edge").writeInt(1).writeInt(31).writeString(null).writeString("x").writeInt(-1));
        sameOutcome(d, "multi create, null scheme", OpCode.MULTI, o -> {
            o.writeInt(OpCode.CREATE).writeBool(false).writeInt(-1).writeString("/edge/m").writeBuffer(null)
                    .writeInt(1).writeInt(31).writeString(null).writeString("anyone").writeInt(0);
            o.writeInt(-1).writeBool(true).writeInt(-1);
        });
        assertThat(d).isEmpty();
        assertThat(servers.meerkat.node().failure()).isNull();
    }

    @Test
    void aFrameOfMoreThanJuteMaxBufferBytesClosesTheConnection() throws IOException {
        // The frame holds the header (8 bytes), the path, the data and the version; ZooKeeper's limit is the frame.
        String path = "/edge";
        int overhead = 8 + 4 + path.length() + 4 + 4;
        for (int dataLength : new int[]{1_048_575 - overhead - 1, 1_048_575 - overhead, 1_048_575 - overhead + 1,
                1_048_552, 1_048_575, 1_048_576}) {
            byte[] data = new byte[dataLength];
            sameOutcome("setData of " + dataLength + " bytes", OpCode.SET_DATA, o -> o.writeString(path).writeBuffer(data).writeInt(-1));
        }
    }

    /** Whether a ConnectRequest padded with trailing bytes to {@code frameLength} gets a session. */
    private static String paddedConnect(int port, int frameLength) throws IOException {
        JuteOutput o = new JuteOutput();
        new ConnectRequest(0, 0, 10_000, 0, new byte[16], false).write(o);
        byte[] body = o.toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(4 + frameLength).putInt(frameLength).put(body);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            try {
                s.getOutputStream().write(frame.array());
            } catch (SocketException e) {
                return "closed"; // closed once the length was read, before the rest was sent
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            try {
                byte[] reply = new byte[in.readInt()];
                in.readFully(reply);
                return ConnectResponse.read(new JuteInput(reply)).timeOut() > 0 ? "session" : "expired";
            } catch (java.io.EOFException | SocketException e) {
                return "closed";
            }
        }
    }

    @Test
    void aPaddedConnectRequestBeyondJuteMaxBufferGetsNoSession() throws IOException {
        for (int length : new int[]{1_048_575, 1_048_576}) {
            assertThat(paddedConnect(meerkatPort(), length)).as("frame of " + length)
                    .isEqualTo(paddedConnect(zooKeeperPort(), length));
        }
        assertThat(paddedConnect(meerkatPort(), 1_048_576)).isEqualTo("closed");
    }

    /** A create frame whose length claims 50 bytes more than it holds, then the write side is shut. */
    private static void truncatedCreate(int port, String path, boolean shutdownOutput) throws IOException {
        try (RawClient raw = new RawClient(port)) {
            raw.connect();
            JuteOutput o = new JuteOutput();
            o.writeInt(0);
            int start = o.size();
            o.writeInt(9).writeInt(OpCode.CREATE);
            new CreateRequest(path, null, List.of(new dev.meerkat.wire.proto.ACL(31, new dev.meerkat.wire.proto.Id("world", "anyone"))), 0).write(o);
            byte[] bytes = o.toByteArray();
            ByteBuffer.wrap(bytes).putInt(0, bytes.length - start + 50);
            raw.sendRaw(bytes);
            if (shutdownOutput) raw.shutdownOutput();
        }
    }

    @Test
    void aTruncatedFrameIsNeverExecuted() throws Exception {
        for (boolean shutdown : new boolean[]{true, false}) {
            String path = "/edge/truncated-" + shutdown;
            truncatedCreate(zooKeeperPort(), path, shutdown);
            truncatedCreate(meerkatPort(), path, shutdown);
            // A create that follows on another connection is applied after anything the first could have caused.
            for (String cs : List.of(servers.reference.connectString(), servers.meerkat.connectString())) {
                try (ZooKeeper zk = Zk.connect(cs)) {
                    zk.create(path + "-after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    assertThat(zk.exists(path, false)).as(cs + " " + path).isNull();
                }
            }
        }
    }

    private static List<String> rawChildren(int port, String path) throws IOException {
        try (RawClient raw = new RawClient(port)) {
            raw.connect();
            RawClient.Reply r = raw.call(OpCode.GET_CHILDREN, o -> o.writeString(path).writeBool(false));
            return GetChildrenResponse.read(r.body()).children();
        }
    }

    @Test
    void childrenComeBackInZooKeepersOrderForEverySize() throws Exception {
        try (ZooKeeper zk = Zk.connect(servers.reference.connectString()); ZooKeeper mk = Zk.connect(servers.meerkat.connectString())) {
            for (ZooKeeper c : List.of(zk, mk)) {
                c.create("/edge/seq", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                c.create("/edge/named", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            for (int n = 1; n <= 70; n++) {
                for (ZooKeeper c : List.of(zk, mk)) {
                    c.create("/edge/seq/item-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                    c.create("/edge/named/topic-" + (n * 37 % 101), null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                assertThat(mk.getChildren("/edge/seq", false)).as(n + " sequential children").isEqualTo(zk.getChildren("/edge/seq", false));
                assertThat(mk.getChildren("/edge/named", false)).as(n + " named children").isEqualTo(zk.getChildren("/edge/named", false));
            }
            // deletions keep the others in place and the table as large as it grew
            for (int n = 1; n <= 70; n += 3) {
                for (ZooKeeper c : List.of(zk, mk)) c.delete("/edge/named/topic-" + (n * 37 % 101), -1);
                assertThat(mk.getChildren("/edge/named", false)).isEqualTo(zk.getChildren("/edge/named", false));
            }
            assertThat(rawChildren(meerkatPort(), "/edge/seq")).isEqualTo(rawChildren(zooKeeperPort(), "/edge/seq"));
        }
    }

    @Test
    void threeSequentialChildrenAreListedAsZooKeeperListsThem() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        for (String cs : List.of(servers.reference.connectString(), servers.meerkat.connectString())) {
            try (ZooKeeper c = Zk.connect(cs)) {
                c.create("/edge/three", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int i = 0; i < 3; i++) c.create("/edge/three/x-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                seen.add(c.getChildren("/edge/three", false));
            }
        }
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
    }

    /**
     * ZooKeeper drops the live owner's connection when anyone re-attaches to its session with a
     * wrong password (it closes the old connection before it checks the password). Meerkat does
     * not: knowing a session id is not enough to cut its owner off. Both answer the impostor with
     * an expired session.
     */
    @Test
    void aWrongPasswordDoesNotCutTheOwnerOffOnMeerkatAsItDoesOnZooKeeper() throws Exception {
        assertThat(impostorDropsOwner(zooKeeperPort())).as("ZooKeeper drops the owner").isTrue();
        assertThat(impostorDropsOwner(meerkatPort())).as("Meerkat keeps the owner").isFalse();
    }

    private static boolean impostorDropsOwner(int port) throws Exception {
        try (RawClient owner = new RawClient(port)) {
            ConnectResponse session = owner.connect();
            byte[] wrong = session.passwd().clone();
            wrong[0] ^= 1;
            try (RawClient impostor = new RawClient(port)) {
                ConnectResponse answer = impostor.connect(0, 10_000, session.sessionId(), wrong);
                assertThat(answer.timeOut()).as("the impostor is told the session expired").isZero();
            }
            try {
                RawClient.Reply r = owner.call(OpCode.EXISTS, o -> o.writeString("/edge").writeBool(false));
                return r.err() != 0;
            } catch (IOException e) {
                return true;
            }
        }
    }
}
