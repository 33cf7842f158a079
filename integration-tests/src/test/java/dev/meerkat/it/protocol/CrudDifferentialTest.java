package dev.meerkat.it.protocol;

import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.CreateTTLRequest;
import dev.meerkat.wire.proto.Id;
import dev.meerkat.wire.proto.OpCode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Differential: node operations, errors, Stat fields, sequential numbering and multi, Meerkat vs ZooKeeper 3.9.5. */
class CrudDifferentialTest {
    private static final List<org.apache.zookeeper.data.ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static DifferentialSupport servers;

    @BeforeAll
    static void start() throws Exception {
        servers = new DifferentialSupport();
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) servers.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createDeleteSetDataAndVersionErrors() throws Exception {
        servers.compare(c -> {
            var zk = c.zk();
            var t = c.t();
            t.op("create", () -> zk.create("/d1", b("one"), OPEN, CreateMode.PERSISTENT));
            t.op("create again", () -> zk.create("/d1", b("one"), OPEN, CreateMode.PERSISTENT));
            t.op("create no parent", () -> zk.create("/d1/x/y", null, OPEN, CreateMode.PERSISTENT));
            t.op("create2", () -> {
                Stat st = new Stat();
                zk.create("/d1/kid", null, OPEN, CreateMode.PERSISTENT, st);
                return st;
            });
            t.op("getData null", () -> zk.getData("/d1/kid", false, null));
            t.op("getData", () -> {
                Stat st = new Stat();
                return List.of(zk.getData("/d1", false, st), st);
            });
            t.op("setData v0", () -> zk.setData("/d1", b("two"), 0));
            t.op("setData bad version", () -> zk.setData("/d1", b("three"), 0));
            t.op("setData missing", () -> zk.setData("/d1/none", b("x"), -1));
            t.op("setData empty", () -> zk.setData("/d1/kid", new byte[0], -1));
            t.op("getData empty", () -> zk.getData("/d1/kid", false, null));
            t.op("exists", () -> zk.exists("/d1", false));
            t.op("exists missing", () -> zk.exists("/d1/none", false));
            t.op("delete not empty", () -> {
                zk.delete("/d1", -1);
                return null;
            });
            t.op("delete bad version", () -> {
                zk.delete("/d1/kid", 5);
                return null;
            });
            t.op("delete", () -> {
                zk.delete("/d1/kid", 1);
                return null;
            });
            t.op("delete again", () -> {
                zk.delete("/d1/kid", -1);
                return null;
            });
            t.op("parent after", () -> zk.exists("/d1", false));
            t.op("children2", () -> {
                Stat st = new Stat();
                return List.of(zk.getChildren("/d1", false, st), st);
            });
            t.op("delete root", () -> {
                zk.delete("/", -1);
                return null;
            });
            t.op("delete /zookeeper", () -> {
                zk.delete("/zookeeper", -1);
                return null;
            });
            t.op("system nodes", () -> List.of(zk.getChildren("/zookeeper", false), zk.exists("/zookeeper/config", false)));
        });
    }

    @Test
    void sequentialNumberingAcrossCreatesAndDeletes() throws Exception {
        servers.compare(c -> {
            var zk = c.zk();
            var t = c.t();
            zk.create("/d2", null, OPEN, CreateMode.PERSISTENT);
            t.op("seq1", () -> zk.create("/d2/n-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("seq2", () -> zk.create("/d2/n-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL));
            t.op("plain", () -> zk.create("/d2/plain", null, OPEN, CreateMode.PERSISTENT));
            t.op("delete plain", () -> {
                zk.delete("/d2/plain", -1);
                return null;
            });
            t.op("seq3", () -> zk.create("/d2/n-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("failed create", () -> zk.create("/d2/n-0000000000", null, OPEN, CreateMode.PERSISTENT));
            t.op("seq4", () -> zk.create("/d2/", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("parent", () -> zk.exists("/d2", false));
            t.op("children", () -> zk.getChildren("/d2", false));
            t.op("ttl seq", () -> zk.create("/d2/t-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, new Stat(), 100_000));
            t.op("ttl stat", () -> zk.exists("/d2/t-0000000006", false));
            t.op("container stat", () -> {
                Stat st = new Stat();
                zk.create("/d2/cont", null, OPEN, CreateMode.CONTAINER, st);
                return st;
            });
        });
    }

    @Test
    void multiSuccessAndFailureResults() throws Exception {
        servers.compare(c -> {
            var zk = c.zk();
            var t = c.t();
            zk.create("/d3", b("x"), OPEN, CreateMode.PERSISTENT);
            t.op("multi ok", () -> zk.multi(List.of(
                    Op.create("/d3/s-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.create("/d3/s-", b("d"), OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.setData("/d3", b("y"), 0),
                    Op.check("/d3", 1),
                    Op.delete("/d3/s-0000000000", 0))));
            t.op("multi fail in the middle", () -> zk.multi(List.of(
                    Op.create("/d3/a", null, OPEN, CreateMode.PERSISTENT),
                    Op.setData("/d3", b("z"), 1),
                    Op.check("/d3", 0),
                    Op.delete("/d3/a", -1))));
            t.op("nothing applied", () -> List.of(zk.exists("/d3", false), zk.getChildren("/d3", false)));
            t.op("multi fail first", () -> zk.multi(List.of(
                    Op.delete("/d3/none", -1),
                    Op.create("/d3/b", null, OPEN, CreateMode.PERSISTENT))));
            t.op("multi fail last", () -> zk.multi(List.of(
                    Op.create("/d3/c", null, OPEN, CreateMode.PERSISTENT),
                    Op.create("/d3/c", null, OPEN, CreateMode.PERSISTENT))));
            t.op("multi not empty", () -> zk.multi(List.of(
                    Op.create("/d3/e", null, OPEN, CreateMode.PERSISTENT),
                    Op.create("/d3/e/f", null, OPEN, CreateMode.PERSISTENT),
                    Op.delete("/d3/e", -1))));
            t.op("multi sees earlier ops", () -> zk.multi(List.of(
                    Op.create("/d3/g", null, OPEN, CreateMode.PERSISTENT),
                    Op.create("/d3/g/h", b("h"), OPEN, CreateMode.PERSISTENT),
                    Op.setData("/d3/g/h", b("i"), 0),
                    Op.delete("/d3/g/h", 1),
                    Op.delete("/d3/g", 0))));
            t.op("multi ephemeral parent", () -> zk.multi(List.of(
                    Op.create("/d3/eph", null, OPEN, CreateMode.EPHEMERAL),
                    Op.create("/d3/eph/kid", null, OPEN, CreateMode.PERSISTENT))));
            t.op("empty multi", () -> zk.multi(List.of()));
            t.op("multiRead", () -> zk.multi(List.of(Op.getData("/d3"), Op.getChildren("/d3"), Op.getData("/d3/none"),
                    Op.getChildren("/d3/none"))));
            t.op("after", () -> List.of(zk.exists("/d3", false), zk.getChildren("/d3", false)));
        });
    }

    @Test
    void ephemeralParentCountsAndEphemerals() throws Exception {
        servers.compare(c -> {
            var zk = c.zk();
            var t = c.t();
            zk.create("/d4", null, OPEN, CreateMode.PERSISTENT);
            zk.create("/d4/a", null, OPEN, CreateMode.PERSISTENT);
            zk.create("/d4/a/b", null, OPEN, CreateMode.PERSISTENT);
            t.op("eph", () -> zk.create("/d4/eph", null, OPEN, CreateMode.EPHEMERAL));
            t.op("eph child", () -> zk.create("/d4/eph/kid", null, OPEN, CreateMode.EPHEMERAL));
            t.op("eph seq child", () -> zk.create("/d4/eph/kid", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("eph2", () -> zk.create("/d4/a/eph2", null, OPEN, CreateMode.EPHEMERAL));
            t.op("all children /d4", () -> zk.getAllChildrenNumber("/d4"));
            t.op("all children leaf", () -> zk.getAllChildrenNumber("/d4/a/b"));
            t.op("all children missing", () -> zk.getAllChildrenNumber("/d4/none"));
            t.op("ephemerals", () -> zk.getEphemerals());
            t.op("ephemerals /d4/a", () -> zk.getEphemerals("/d4/a"));
            t.op("ephemerals /d4/e", () -> zk.getEphemerals("/d4/e"));
            t.op("other's ephemerals", () -> c.other().getEphemerals());
            t.op("owner is mine", () -> zk.exists("/d4/eph", false).getEphemeralOwner() == zk.getSessionId());
        });
    }

    @Test
    void rawBadPathsTtlsAndUnknownOpcodes() throws Exception {
        List<ACL> open = List.of(new ACL(31, new Id("world", "anyone")));
        servers.compare(c -> {
            var t = c.t();
            try (RawClient raw = new RawClient(c.port())) {
                raw.connect();
                for (String path : List.of("no-slash", "/a/", "/a//b", "/a/./b", "/a/../b", "", "/zookeeper/quota/x/y")) {
                    t.op("create " + path, () -> raw.call(OpCode.CREATE, o -> new CreateRequest(path, null, open, 0).write(o)).err());
                }
                t.op("create2 bad flags", () -> raw.call(OpCode.CREATE2, o -> new CreateRequest(OpCode.CREATE2, "/d5", null, open, 99).write(o)).err());
                t.op("createTTL ttl 0", () -> raw.call(OpCode.CREATE_TTL, o -> new CreateTTLRequest("/d5", null, open, 5, 0).write(o)).err());
                t.op("createTTL persistent mode", () -> raw.call(OpCode.CREATE_TTL, o -> new CreateTTLRequest("/d5", null, open, 0, 100).write(o)).err());
                t.op("createContainer wrong mode", () -> raw.call(OpCode.CREATE_CONTAINER, o -> new CreateRequest(OpCode.CREATE_CONTAINER, "/d5", null, open, 0).write(o)).err());
                t.op("create empty acl", () -> raw.call(OpCode.CREATE, o -> new CreateRequest("/d5", null, List.of(), 0).write(o)).err());
                t.op("create ttl mode via create", () -> raw.call(OpCode.CREATE, o -> new CreateRequest("/d5", null, open, 5).write(o)).err());
                t.op("deleteContainer plain", () -> {
                    raw.call(OpCode.CREATE, o -> new CreateRequest("/d5p", null, open, 0).write(o));
                    return raw.call(OpCode.DELETE_CONTAINER, o -> o.writeString("/d5p")).err();
                });
                t.op("getData bad path", () -> raw.call(OpCode.GET_DATA, o -> o.writeString("bad").writeBool(false)).err());
                t.op("exists bad path", () -> raw.call(OpCode.EXISTS, o -> o.writeString("/a/").writeBool(false)).err());
                t.op("getChildren bad path", () -> raw.call(OpCode.GET_CHILDREN, o -> o.writeString("/a//b").writeBool(false)).err());
                t.op("parent exists", () -> raw.call(OpCode.CREATE, o -> new CreateRequest("/a", null, open, 0).write(o)).err());
                for (String path : List.of("/a/", "/a//b", "/a/./b", "/a/.", "/a/..", "/a/b\u0001")) {
                    t.op("create under /a " + path, () -> raw.call(OpCode.CREATE, o -> new CreateRequest(path, null, open, 0).write(o)).err());
                }
                t.op("sequential /a/", () -> raw.call(OpCode.CREATE, o -> new CreateRequest("/a/", null, open, 2).write(o)).err());
                t.op("still alive", () -> raw.call(OpCode.EXISTS, o -> o.writeString("/").writeBool(false)).err());
                t.op("unknown opcode 77", () -> raw.call(77, o -> { }).err());
                t.op("closed after unknown opcode", raw::closedByServer);
            }
        });
    }

    @Test
    void containerReaping() throws Exception {
        servers.compare(c -> {
            var zk = c.zk();
            var t = c.t();
            zk.create("/d6", null, OPEN, CreateMode.CONTAINER);
            zk.create("/d6/kid", null, OPEN, CreateMode.PERSISTENT);
            zk.exists("/d6", true);
            zk.getChildren("/d6", true);
            zk.delete("/d6/kid", -1);
            await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/d6", false) == null);
            t.note("events", c.events().drain(zk));
            t.op("parent", () -> zk.getChildren("/", false).contains("d6"));
        });
    }

    @Test
    void systemNodesTypedOwnersAndSuffixesAfterDeletes() throws Exception {
    servers.compare(c -> {
            var zk = c.zk();
            var t = c.t();
            var OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
            t.op("root", () -> zk.exists("/", false));
            t.op("zookeeper", () -> zk.exists("/zookeeper", false));
            t.op("quota", () -> zk.exists("/zookeeper/quota", false));
            t.op("config", () -> zk.exists("/zookeeper/config", false));
            t.op("rootseq", () -> zk.create("/rs", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("root", () -> zk.exists("/", false));
            t.op("cont", () -> { var st = new org.apache.zookeeper.data.Stat(); zk.create("/cc", null, OPEN, CreateMode.CONTAINER, st); return (st.getCzxid() > 0) + " " + st.getEphemeralOwner(); });
            t.op("ttl", () -> { var st = new org.apache.zookeeper.data.Stat(); zk.create("/tt", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, st, 5000); return (st.getCzxid() > 0) + " " + st.getEphemeralOwner(); });
            t.op("ttl exists", () -> zk.exists("/tt", false).getEphemeralOwner());
            t.op("cont exists", () -> zk.exists("/cc", false).getEphemeralOwner());
            zk.create("/p", null, OPEN, CreateMode.PERSISTENT);
            t.op("s", () -> zk.create("/p/s", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("cv", () -> zk.exists("/p", false));
            t.op("plain", () -> zk.create("/p/x", null, OPEN, CreateMode.PERSISTENT));
            t.op("cv", () -> zk.exists("/p", false));
            t.op("del", () -> { zk.delete("/p/x", -1); return null; });
            t.op("cv", () -> zk.exists("/p", false));
            t.op("s", () -> zk.create("/p/s", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("cv", () -> zk.exists("/p", false));
            t.op("del", () -> { zk.delete("/p/s0000000000", -1); return null; });
            t.op("cv", () -> zk.exists("/p", false));
            t.op("s", () -> zk.create("/p/s", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("cv", () -> zk.exists("/p", false));
            t.op("s", () -> zk.create("/p/s", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
            t.op("cv", () -> zk.exists("/p", false));
            t.op("children", () -> zk.getChildren("/p", false));
        });
    }

    @Test
    void chrootedClientPaths() throws Exception {
        servers.compare(c -> {
            var t = c.t();
            c.zk().create("/d7", null, OPEN, CreateMode.PERSISTENT);
            try (var chrooted = Zk.connect(c.connectString() + "/d7")) {
                t.op("create", () -> chrooted.create("/a", null, OPEN, CreateMode.PERSISTENT));
                t.op("create seq", () -> chrooted.create("/a/s-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL));
                t.op("multi", () -> chrooted.multi(List.of(Op.create("/b", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                        Op.create("/b0000000001/x", null, OPEN, CreateMode.PERSISTENT), Op.delete("/b0000000001/x", -1))));
                t.op("ephemerals", () -> chrooted.getEphemerals());
                t.op("children", () -> chrooted.getChildren("/", false));
                t.op("outside", () -> c.zk().getChildren("/d7", false));
            }
        });
    }

    @Test
    void rawOpcodesWithoutClientApi() throws Exception {
        servers.compare(c -> {
            var t = c.t();
            c.zk().create("/d8", null, OPEN, CreateMode.CONTAINER);
            try (RawClient raw = new RawClient(c.port())) {
                raw.connect();
                t.op("checkWatches none", () -> raw.call(OpCode.CHECK_WATCHES, o -> o.writeString("/d8").writeInt(2)).err());
                t.op("getData with watch", () -> raw.call(OpCode.GET_DATA, o -> o.writeString("/d8").writeBool(true)).err());
                t.op("checkWatches data", () -> raw.call(OpCode.CHECK_WATCHES, o -> o.writeString("/d8").writeInt(2)).err());
                t.op("checkWatches any", () -> raw.call(OpCode.CHECK_WATCHES, o -> o.writeString("/d8").writeInt(3)).err());
                t.op("checkWatches children", () -> raw.call(OpCode.CHECK_WATCHES, o -> o.writeString("/d8").writeInt(1)).err());
                t.op("removeWatches data", () -> raw.call(OpCode.REMOVE_WATCHES, o -> o.writeString("/d8").writeInt(2)).err());
                t.op("removeWatches again", () -> raw.call(OpCode.REMOVE_WATCHES, o -> o.writeString("/d8").writeInt(2)).err());
                t.op("addWatch bad mode", () -> raw.call(OpCode.ADD_WATCH, o -> o.writeString("/d8").writeInt(7)).err());
                t.op("deleteContainer", () -> raw.call(OpCode.DELETE_CONTAINER, o -> o.writeString("/d8")).err());
                t.op("deleteContainer missing", () -> raw.call(OpCode.DELETE_CONTAINER, o -> o.writeString("/d8")).err());
                t.op("sync", () -> raw.call(OpCode.SYNC, o -> o.writeString("/")).err());
                t.op("reconfig", () -> raw.call(OpCode.RECONFIG, o -> new dev.meerkat.wire.proto.ReconfigRequest(null, null, "server.1=127.0.0.1:1:2", -1).write(o)).err());
                t.op("still alive", () -> raw.call(OpCode.EXISTS, o -> o.writeString("/").writeBool(false)).err());
                t.op("check outside multi", () -> raw.call(OpCode.CHECK, o -> o.writeString("/").writeInt(0)).err());
                t.op("closed after it", raw::closedByServer);
            }
            try (RawClient raw = new RawClient(c.port())) {
                raw.connect();
                t.op("whoAmI", () -> dev.meerkat.wire.proto.WhoAmIResponse.read(raw.call(OpCode.WHO_AM_I, o -> { }).body()).clientInfo().size());
                t.op("sasl", () -> raw.call(OpCode.SASL, o -> new dev.meerkat.wire.proto.SetSASLRequest(new byte[]{1, 2, 3}).write(o)).err());
                t.op("alive after sasl", () -> raw.call(OpCode.EXISTS, o -> o.writeString("/").writeBool(false)).err());
            }
        });
    }
}
