package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.CreateTTLRequest;
import dev.meerkat.wire.proto.Id;
import dev.meerkat.wire.proto.OpCode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Malformed frames cost the sender its connection and nobody else anything; bad requests get error codes. */
class BadInputTest {
    private static final List<ACL> OPEN = List.of(new ACL(31, new Id("world", "anyone")));
    private static Meerkat meerkat;
    private static ZooKeeper bystander;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Zk.meerkat();
        bystander = Zk.connect(meerkat.connectString());
        bystander.create("/bi", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (bystander != null) bystander.close();
        if (meerkat != null) meerkat.close();
    }

    private static void assertBystanderWorks() throws Exception {
        assertThat(bystander.exists("/bi", false)).isNotNull();
    }

    private static byte[] frame(int length, byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(length).put(body).array();
    }

    @Test
    void garbageClosesTheConnection() throws Exception {
        try (RawClient raw = new RawClient(meerkat.port())) {
            raw.sendRaw(new byte[]{0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
            assertThat(raw.closedByServer()).isTrue();
        }
        assertBystanderWorks();
    }

    @Test
    void negativeAndOversizedLengthsCloseTheConnection() throws Exception {
        try (RawClient raw = new RawClient(meerkat.port())) {
            raw.sendRaw(frame(-5, new byte[8]));
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawClient raw = new RawClient(meerkat.port())) {
            raw.sendRaw(frame(0xfffff + 100_000, new byte[8]));
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawClient raw = new RawClient(meerkat.port())) {
            raw.connect();
            raw.sendRaw(frame(Integer.MAX_VALUE, new byte[8]));
            assertThat(raw.closedByServer()).isTrue();
        }
        assertBystanderWorks();
    }

    @Test
    void truncatedConnectRequestClosesTheConnection() throws Exception {
        try (RawClient raw = new RawClient(meerkat.port())) {
            JuteOutput o = new JuteOutput();
            o.writeInt(0).writeLong(0);
            byte[] body = o.toByteArray();
            raw.sendRaw(frame(body.length, body));
            assertThat(raw.closedByServer()).isTrue();
        }
        assertBystanderWorks();
    }

    @Test
    void badPathsGetBadArguments() throws Exception {
        try (RawClient raw = new RawClient(meerkat.port())) {
            raw.connect();
            // with an existing parent; a missing parent answers NoNode first, as ZooKeeper does
            for (String path : List.of("no-slash", "/bi/", "/bi/.", "/bi/..", "/bi/a\u0001", "")) {
                assertThat(raw.call(OpCode.CREATE, o -> new CreateRequest(path, null, OPEN, 0).write(o)).err()).as(path).isEqualTo(-8);
            }
            assertThat(raw.call(OpCode.CREATE, o -> new CreateRequest("/bi//b", null, OPEN, 0).write(o)).err()).isEqualTo(-101);
            assertThat(raw.call(OpCode.CREATE, o -> new CreateRequest("/bi/./b", null, OPEN, 0).write(o)).err()).isEqualTo(-101);
            assertThat(raw.call(OpCode.CREATE_TTL, o -> new CreateTTLRequest("/bi/t", null, OPEN, 5, 0).write(o)).err()).isEqualTo(-8);
            assertThat(raw.call(OpCode.CREATE_TTL, o -> new CreateTTLRequest("/bi/t", null, OPEN, 5, -3).write(o)).err()).isEqualTo(-8);
            assertThat(raw.call(OpCode.CREATE, o -> new CreateRequest("/bi/f", null, OPEN, 42).write(o)).err()).isEqualTo(-8);
            // a truncated body is a marshalling error, and the connection stays
            assertThat(raw.call(OpCode.SET_DATA, o -> o.writeString("/bi")).err()).isEqualTo(-5);
            assertThat(raw.call(OpCode.EXISTS, o -> o.writeString("/bi").writeBool(false)).err()).isZero();
            assertThat(raw.call(4242, o -> o.writeInt(1)).err()).isEqualTo(-6);
            assertThat(raw.closedByServer()).as("closed after an unknown opcode, as ZooKeeper").isTrue();
        }
        assertBystanderWorks();
    }
}
