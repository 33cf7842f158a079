package dev.meerkat.core.cluster;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.KeeperError;
import dev.meerkat.core.raft.Membership;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DynamicConfigTest {

    private static final String THREE = """
            server.1=127.0.0.1:41697:40737:participant
            server.2=127.0.0.1:42023:43429:participant
            server.3=127.0.0.1:38203:37319:participant
            version=100000000""";

    @Test
    void readsAndWritesZooKeepersText() {
        DynamicConfig c = DynamicConfig.parse(THREE);
        assertThat(c.version()).isEqualTo(0x100000000L);
        assertThat(c.text()).isEqualTo(THREE);
        assertThat(c.membership()).isEqualTo(new Membership(Set.of(1L, 2L, 3L), Set.of()));
    }

    @Test
    void clientAddressesAndObserversAsZooKeeperPrintsThem() {
        DynamicConfig c = DynamicConfig.parse("server.7=127.0.0.1:1:2:participant;127.0.0.1:3\nserver.8=h:4:5:observer;2181\n"
                + "server.9=[::1]:6:7;[::1]:8");
        assertThat(c.serverLines()).isEqualTo("server.7=127.0.0.1:1:2:participant;127.0.0.1:3\n"
                + "server.8=h:4:5:observer;0.0.0.0:2181\nserver.9=[::1]:6:7:participant;[::1]:8\n");
        assertThat(c.membership()).isEqualTo(new Membership(Set.of(7L, 9L), Set.of(8L)));
        assertThat(c.version()).isZero();
    }

    @Test
    void aBadLineIsNamed() {
        assertThatThrownBy(() -> DynamicConfig.parse("server.1=h:1:2\nserver.2=h:x:3"))
                .hasMessageContaining("line 2").hasMessageContaining("quorum port of server.2");
        assertThatThrownBy(() -> DynamicConfig.parse("version=zz")).hasMessageContaining("hexadecimal");
        assertThatThrownBy(() -> DynamicConfig.parse("server.1=h:1:2\nserver.1=h:3:4")).hasMessageContaining("twice");
    }

    @Test
    void incrementalAndFullReconfigTargets() throws KeeperError {
        DynamicConfig c = DynamicConfig.parse(THREE);
        DynamicConfig added = new ReconfigSpec("server.4=127.0.0.1:5:6:participant;127.0.0.1:7, server.5=127.0.0.1:8:9:observer", null,
                null, -1).target(c);
        assertThat(added.membership()).isEqualTo(new Membership(Set.of(1L, 2L, 3L, 4L), Set.of(5L)));
        DynamicConfig removed = new ReconfigSpec(null, "3, 9", null, -1).target(c);
        assertThat(removed.servers().keySet()).containsExactly(1L, 2L);
        DynamicConfig moved = new ReconfigSpec("server.2=otherhost:1:2:participant", "1", null, -1).target(c);
        assertThat(moved.servers().get(2L).host()).isEqualTo("otherhost");
        assertThat(moved.servers().keySet()).containsExactly(2L, 3L);
        DynamicConfig members = new ReconfigSpec(null, null, "server.4=a:1:2,server.5=b:1:2\nserver.6=c:1:2:observer", -1).target(c);
        assertThat(members.membership()).isEqualTo(new Membership(Set.of(4L, 5L), Set.of(6L)));
    }

    @Test
    void nonsenseIsBadArguments() {
        DynamicConfig c = DynamicConfig.parse(THREE);
        for (ReconfigSpec bad : new ReconfigSpec[]{
                new ReconfigSpec(null, null, null, -1),
                new ReconfigSpec("", " ", null, -1),
                new ReconfigSpec("garbage", null, null, -1),
                new ReconfigSpec("server.x=h:1:2", null, null, -1),
                new ReconfigSpec(null, "one", null, -1),
                new ReconfigSpec(null, null, "", -1),
                new ReconfigSpec(null, "1,2,3", null, -1),
                new ReconfigSpec(null, null, "server.4=a:1:2:observer", -1)}) {
            assertThatThrownBy(() -> bad.target(c)).as(bad.toString()).isInstanceOfSatisfying(KeeperError.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_ARGUMENTS));
        }
    }

    @Test
    void aConfigEntryCarriesItsServersAndWhoWaits() {
        DynamicConfig c = DynamicConfig.parse(THREE).withVersion(0);
        ConfigEntry e = new ConfigEntry(c, 1234, 2, 99);
        byte[] data = e.encode();
        assertThat(Membership.decode(data)).as("Raft reads only the head").isEqualTo(c.membership());
        ConfigEntry back = ConfigEntry.decode(data, 0x42);
        assertThat(back.config()).isEqualTo(c.withVersion(0x42));
        assertThat(back.timeMs()).isEqualTo(1234);
        assertThat(back.originServer()).isEqualTo(2);
        assertThat(back.requestId()).isEqualTo(99);
        assertThat(ConfigEntry.decode(c.membership().encode(), 7)).as("a bare membership").isNull();
        data[data.length - 3] ^= 0x7f;
        assertThatThrownBy(() -> ConfigEntry.decode(java.util.Arrays.copyOf(data, data.length - 1), 7)).isInstanceOf(IllegalArgumentException.class);
    }
}
