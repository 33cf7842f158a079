package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.GetChildrenResponse;
import dev.meerkat.wire.proto.Id;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.ReconfigRequest;
import dev.meerkat.wire.proto.SetSASLRequest;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every client opcode once, through the official 3.9.5 client where it has an API, raw frames otherwise. */
class OpcodesTest {
    private static final List<org.apache.zookeeper.data.ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static Meerkat meerkat;
    private static Zk.Events events;
    private static ZooKeeper zk;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Zk.meerkat();
        events = new Zk.Events();
        zk = Zk.connect(meerkat.connectString(), events);
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) zk.close();
        if (meerkat != null) meerkat.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createCreate2ContainerAndTtl() throws Exception {
        assertThat(zk.create("/op-c", b("x"), OPEN, CreateMode.PERSISTENT)).isEqualTo("/op-c");
        Stat st = new Stat();
        assertThat(zk.create("/op-c/two", b("yy"), OPEN, CreateMode.PERSISTENT, st)).isEqualTo("/op-c/two");
        assertThat(st.getVersion()).isZero();
        assertThat(st.getDataLength()).isEqualTo(2);
        assertThat(st.getCzxid()).isEqualTo(st.getMzxid()).isEqualTo(st.getPzxid()).isPositive();
        Stat cst = new Stat();
        zk.create("/op-c/container", null, OPEN, CreateMode.CONTAINER, cst);
        // as ZooKeeper: only ephemeral nodes show an owner; containers and TTL nodes show 0
        assertThat(cst.getEphemeralOwner()).isZero();
        Stat tst = new Stat();
        zk.create("/op-c/ttl", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, tst, 60_000);
        assertThat(tst.getEphemeralOwner()).isZero();
        assertThat(zk.getChildren("/op-c", false)).containsExactlyInAnyOrder("two", "container", "ttl");
    }

    @Test
    void deleteExistsGetSetData() throws Exception {
        zk.create("/op-d", b("v0"), OPEN, CreateMode.PERSISTENT);
        Stat st = zk.exists("/op-d", false);
        assertThat(st.getVersion()).isZero();
        Stat after = zk.setData("/op-d", b("v1"), 0);
        assertThat(after.getVersion()).isEqualTo(1);
        assertThat(after.getMzxid()).isGreaterThan(after.getCzxid());
        Stat read = new Stat();
        assertThat(zk.getData("/op-d", false, read)).isEqualTo(b("v1"));
        assertThat(read).isEqualTo(after);
        assertThatThrownBy(() -> zk.setData("/op-d", b("v2"), 0)).isInstanceOf(KeeperException.BadVersionException.class);
        assertThatThrownBy(() -> zk.delete("/op-d", 0)).isInstanceOf(KeeperException.BadVersionException.class);
        zk.delete("/op-d", 1);
        assertThat(zk.exists("/op-d", false)).isNull();
        assertThatThrownBy(() -> zk.getData("/op-d", false, null)).isInstanceOf(KeeperException.NoNodeException.class);
        assertThatThrownBy(() -> zk.delete("/op-d", -1)).isInstanceOf(KeeperException.NoNodeException.class);
    }

    @Test
    void aclGetAndSet() throws Exception {
        zk.create("/op-acl", null, OPEN, CreateMode.PERSISTENT);
        Stat st = new Stat();
        assertThat(zk.getACL("/op-acl", st)).isEqualTo(OPEN);
        assertThat(st.getAversion()).isZero();
        List<org.apache.zookeeper.data.ACL> readOnly = java.util.Arrays.asList(new org.apache.zookeeper.data.ACL(ZooDefs.Perms.READ | ZooDefs.Perms.ADMIN, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        Stat set = zk.setACL("/op-acl", readOnly, 0);
        assertThat(set.getAversion()).isEqualTo(1);
        assertThat(zk.getACL("/op-acl", new Stat())).isEqualTo(readOnly);
        assertThatThrownBy(() -> zk.setACL("/op-acl", OPEN, 0)).isInstanceOf(KeeperException.BadVersionException.class);
        assertThatThrownBy(() -> zk.setData("/op-acl", null, -1)).isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void childrenAndChildren2() throws Exception {
        zk.create("/op-ch", null, OPEN, CreateMode.PERSISTENT);
        zk.create("/op-ch/a", null, OPEN, CreateMode.PERSISTENT);
        zk.create("/op-ch/b", null, OPEN, CreateMode.PERSISTENT);
        assertThat(zk.getChildren("/op-ch", false)).containsExactlyInAnyOrder("a", "b");
        Stat st = new Stat();
        assertThat(zk.getChildren("/op-ch", false, st)).containsExactlyInAnyOrder("a", "b");
        assertThat(st.getNumChildren()).isEqualTo(2);
        assertThat(st.getCversion()).isEqualTo(2);
        assertThat(zk.getAllChildrenNumber("/op-ch")).isEqualTo(2);
        assertThat(zk.getAllChildrenNumber("/")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void syncAndCheckAndMultiAndMultiRead() throws Exception {
        zk.sync("/");
        CompletableFuture<Integer> rc = new CompletableFuture<>();
        zk.sync("/", (code, path, ctx) -> rc.complete(code), null);
        assertThat(rc.get(10, TimeUnit.SECONDS)).isZero();

        zk.create("/op-m", b("m"), OPEN, CreateMode.PERSISTENT);
        List<OpResult> results = zk.multi(List.of(
                Op.check("/op-m", 0),
                Op.create("/op-m/s-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                Op.setData("/op-m", b("n"), 0),
                Op.delete("/op-m/s-0000000000", -1)));
        assertThat(results.get(0)).isInstanceOf(OpResult.CheckResult.class);
        assertThat(((OpResult.CreateResult) results.get(1)).getPath()).isEqualTo("/op-m/s-0000000000");
        assertThat(((OpResult.SetDataResult) results.get(2)).getStat().getVersion()).isEqualTo(1);
        assertThat(results.get(3)).isInstanceOf(OpResult.DeleteResult.class);

        List<OpResult> reads = zk.multi(List.of(Op.getData("/op-m"), Op.getChildren("/op-m"), Op.getData("/op-m/none")));
        assertThat(((OpResult.GetDataResult) reads.get(0)).getData()).isEqualTo(b("n"));
        assertThat(((OpResult.GetChildrenResult) reads.get(1)).getChildren()).isEmpty();
        assertThat(((OpResult.ErrorResult) reads.get(2)).getErr()).isEqualTo(KeeperException.Code.NONODE.intValue());
    }

    @Test
    void authAndWhoAmI() throws Exception {
        try (ZooKeeper other = Zk.connect(meerkat.connectString())) {
            List<ClientInfo> before = other.whoAmI();
            assertThat(before).extracting(ClientInfo::getAuthScheme).containsExactly("ip");
            assertThat(before.get(0).getUser()).isEqualTo("127.0.0.1");
            other.addAuthInfo("digest", b("alice:secret"));
            List<ClientInfo> after = other.whoAmI();
            assertThat(after).extracting(ClientInfo::getAuthScheme).containsExactly("ip", "digest");
            assertThat(after.get(1).getUser()).isEqualTo("alice");
        }
    }

    @Test
    void addRemoveAndCheckWatches() throws Exception {
        zk.create("/op-w", null, OPEN, CreateMode.PERSISTENT);
        Watcher w = e -> { };
        zk.addWatch("/op-w", w, AddWatchMode.PERSISTENT);
        zk.removeWatches("/op-w", w, Watcher.WatcherType.Persistent, false);
        assertThatThrownBy(() -> zk.removeWatches("/op-w", w, Watcher.WatcherType.Persistent, false))
                .isInstanceOf(KeeperException.NoWatcherException.class);
        zk.addWatch("/op-w", w, AddWatchMode.PERSISTENT_RECURSIVE);
        zk.removeWatches("/op-w", w, Watcher.WatcherType.PersistentRecursive, false);

        try (RawClient raw = new RawClient(meerkat.port())) {
            raw.connect();
            assertThat(raw.call(OpCode.GET_DATA, o -> o.writeString("/op-w").writeBool(true)).err()).isZero();
            // checkWatches (17): type 2 = data, 1 = children
            assertThat(raw.call(OpCode.CHECK_WATCHES, o -> o.writeString("/op-w").writeInt(2)).err()).isZero();
            assertThat(raw.call(OpCode.CHECK_WATCHES, o -> o.writeString("/op-w").writeInt(1)).err())
                    .isEqualTo(KeeperException.Code.NOWATCHER.intValue());
            // checking does not remove it
            assertThat(raw.call(OpCode.CHECK_WATCHES, o -> o.writeString("/op-w").writeInt(2)).err()).isZero();
        }
    }

    @Test
    void ephemeralsAndCloseSession() throws Exception {
        zk.create("/op-e", null, OPEN, CreateMode.PERSISTENT);
        ZooKeeper other = Zk.connect(meerkat.connectString());
        other.create("/op-e/one", null, OPEN, CreateMode.EPHEMERAL);
        other.create("/op-e/two", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
        assertThat(other.getEphemerals()).containsExactlyInAnyOrder("/op-e/one", "/op-e/two0000000001");
        assertThat(other.getEphemerals("/op-e/t")).containsExactly("/op-e/two0000000001");
        assertThat(zk.getEphemerals()).isEmpty();
        assertThat(zk.exists("/op-e/one", false).getEphemeralOwner()).isEqualTo(other.getSessionId());
        other.close();
        assertThat(zk.getChildren("/op-e", false)).isEmpty();
    }

    @Test
    void deleteContainerReconfigAndSaslOverRawFrames() throws Exception {
        zk.create("/op-raw", null, OPEN, CreateMode.CONTAINER);
        zk.create("/op-raw2", null, OPEN, CreateMode.PERSISTENT);
        try (RawClient raw = new RawClient(meerkat.port())) {
            assertThat(raw.connect().timeOut()).isPositive();
            assertThat(raw.call(OpCode.DELETE_CONTAINER, o -> o.writeString("/op-raw")).err()).isZero();
            assertThat(raw.call(OpCode.DELETE_CONTAINER, o -> o.writeString("/op-raw")).err())
                    .isEqualTo(KeeperException.Code.NONODE.intValue());
            // ephemeral nodes are not deleted by deleteContainer
            List<ACL> open = List.of(new ACL(31, new Id("world", "anyone")));
            assertThat(raw.call(OpCode.CREATE, o -> new CreateRequest("/op-raw-eph", null, open, 1).write(o)).err()).isZero();
            assertThat(raw.call(OpCode.DELETE_CONTAINER, o -> o.writeString("/op-raw-eph")).err())
                    .isEqualTo(KeeperException.Code.BADVERSION.intValue());
            assertThat(raw.call(OpCode.RECONFIG, o -> new ReconfigRequest(null, null, "server.1=127.0.0.1:1:2", -1).write(o)).err())
                    .isEqualTo(KeeperException.Code.RECONFIGDISABLED.intValue());
            assertThat(raw.call(OpCode.GET_CHILDREN, o -> o.writeString("/op-raw2").writeBool(false)).err()).isZero();
            RawClient.Reply children = raw.call(OpCode.GET_CHILDREN, o -> o.writeString("/").writeBool(false));
            assertThat(GetChildrenResponse.read(children.body()).children()).contains("op-raw2").doesNotContain("op-raw");
            // no SASL configured: as ZooKeeper, OK with a null token, and the connection stays
            RawClient.Reply sasl = raw.call(OpCode.SASL, o -> new SetSASLRequest(new byte[]{1, 2}).write(o));
            assertThat(sasl.err()).isZero();
            assertThat(dev.meerkat.wire.proto.SetSASLResponse.read(sasl.body()).token()).isNull();
            assertThat(raw.call(OpCode.EXISTS, o -> o.writeString("/").writeBool(false)).err()).isZero();
        }
    }
}
