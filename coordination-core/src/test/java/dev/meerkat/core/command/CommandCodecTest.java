package dev.meerkat.core.command;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The log's command format. The expected bytes were written by the first codec (DataOutputStream
 * on a ByteArrayOutputStream): a log written by any earlier version must still decode, and a new
 * one must be byte for byte what that version wrote.
 */
class CommandCodecTest {
    /** One of every command and op, with nulls, empty values and non-ASCII text. */
    static List<Command> samples() {
        List<Acl> acl = List.of(new Acl(31, new AuthId("world", "anyone")), new Acl(1, new AuthId("digest", "bob:x/é")));
        List<AuthId> ids = List.of(new AuthId("ip", "127.0.0.1"));
        List<Command> l = new ArrayList<>();
        l.add(new Command.CreateSession(30000, new byte[]{1,2,3,4}));
        l.add(new Command.AttachSession(0x1234_5678_9abcL, new byte[16]));
        l.add(new Command.CloseSession(77, true));
        l.add(new Command.ReapNode("/a/é/ü"));
        l.add(new Command.TouchSessions(new long[]{1, -2, 3}));
        l.add(new Command.ClientWrite(9, ids, new WriteOp.Create("/x/ñ", new byte[]{9,8,7}, acl, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 5000), true));
        l.add(new Command.ClientWrite(9, List.of(), new WriteOp.Create("/n", null, null, CreateMode.EPHEMERAL, -1), false));
        l.add(new Command.ClientWrite(9, ids, new WriteOp.Multi(List.of(new WriteOp.Check("/c", 3), new WriteOp.Delete("/d", -1, true),
            new WriteOp.SetData("/s", new byte[0], 4), new WriteOp.SetAcl("/a", acl, 2))), false));
        l.add(new Command.ClientWrite(10, ids, new WriteOp.Sync("/"), false));
        return l;
    }

    private static final List<String> WRITTEN_BY_THE_FIRST_CODEC = List.of(
            "0100000000075bcd150000000000000002000000000000002a01000075300000000401020304",
            "0100000000075bcd150000000000000002000000000000002a060000123456789abc0000001000000000000000000000000000000000",
            "0100000000075bcd150000000000000002000000000000002a02000000000000004d01",
            "0100000000075bcd150000000000000002000000000000002a0400082f612fc3a92fc3bc",
            "0100000000075bcd150000000000000002000000000000002a05000000030000000000000001fffffffffffffffe0000000000000003",
            "0100000000075bcd150000000000000002000000000000002a07000000000000000900000001000000026970000000093132372e302e302e3101000000052f782fc3b100000003090807000000020000001f00000005776f726c6400000006616e796f6e65000000010000000664696765737400000008626f623a782fc3a9060000000000001388",
            "0100000000075bcd150000000000000002000000000000002a0300000000000000090000000001000000022f6effffffffffffffff01ffffffffffffffff",
            "0100000000075bcd150000000000000002000000000000002a03000000000000000900000001000000026970000000093132372e302e302e31060000000405000000022f630000000302000000022f64ffffffff0103000000022f73000000000000000404000000022f61000000020000001f00000005776f726c6400000006616e796f6e65000000010000000664696765737400000008626f623a782fc3a900000002",
            "0100000000075bcd150000000000000002000000000000002a03000000000000000a00000001000000026970000000093132372e302e302e3107000000012f");

    private static Proposal proposal(Command c) {
        return new Proposal(123456789L, 2, 42, c);
    }

    @Test
    void encodesEveryCommandAsTheFirstCodecDid() {
        List<Command> samples = samples();
        for (int i = 0; i < samples.size(); i++) {
            assertThat(HexFormat.of().formatHex(CommandCodec.encode(proposal(samples.get(i)))))
                    .as("command %d: %s", i, samples.get(i)).isEqualTo(WRITTEN_BY_THE_FIRST_CODEC.get(i));
        }
    }

    @Test
    void aCommandEncodedWithRoomForItsHeaderAndStampedIsTheSameProposal() throws InterruptedException {
        // One scratch for all, largest first: what a longer command left in it must not leak into a shorter one.
        CommandCodec.Scratch scratch = new CommandCodec.Scratch();
        List<Command> samples = new ArrayList<>(samples());
        java.util.Collections.reverse(samples);
        for (Command c : samples) {
            byte[] stamped = CommandCodec.encodeWithRoomForHeader(c, scratch);
            CommandCodec.stampHeader(stamped, 123456789L, 2, 42);
            assertThat(stamped).as("%s", c).isEqualTo(CommandCodec.encode(proposal(c)));
            assertThat(Arrays.copyOfRange(stamped, CommandCodec.HEADER_BYTES, stamped.length)).isEqualTo(CommandCodec.encodeCommand(c));
        }
        java.util.concurrent.atomic.AtomicReference<Throwable> elsewhere = new java.util.concurrent.atomic.AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                CommandCodec.encodeWithRoomForHeader(samples.get(0), scratch);
            } catch (Throwable t) {
                elsewhere.set(t);
            }
        });
        other.start();
        other.join();
        assertThat(elsewhere.get()).as("a scratch belongs to the thread that made it").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void decodesWhatTheFirstCodecWroteAndEncodesItBackTheSame() {
        for (String hex : WRITTEN_BY_THE_FIRST_CODEC) {
            byte[] bytes = HexFormat.of().parseHex(hex);
            Proposal p = CommandCodec.decode(bytes);
            assertThat(p.time()).isEqualTo(123456789L);
            assertThat(p.originServer()).isEqualTo(2);
            assertThat(p.requestId()).isEqualTo(42);
            assertThat(CommandCodec.encode(p)).isEqualTo(bytes);
            assertThat(CommandCodec.isWellFormedCommand(Arrays.copyOfRange(bytes, 25, bytes.length))).isTrue();
        }
    }

    @Test
    void decodesTheFieldsOfACreate() {
        Proposal p = CommandCodec.decode(HexFormat.of().parseHex(WRITTEN_BY_THE_FIRST_CODEC.get(5)));
        Command.ClientWrite w = (Command.ClientWrite) p.command();
        assertThat(w.sessionId()).isEqualTo(9);
        assertThat(w.enforceQuota()).isTrue();
        assertThat(w.authIds()).containsExactly(new AuthId("ip", "127.0.0.1"));
        WriteOp.Create c = (WriteOp.Create) w.op();
        assertThat(c.path()).isEqualTo("/x/ñ");
        assertThat(c.data()).containsExactly(9, 8, 7);
        assertThat(c.acl()).containsExactly(new Acl(31, new AuthId("world", "anyone")), new Acl(1, new AuthId("digest", "bob:x/é")));
        assertThat(c.mode()).isEqualTo(CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL);
        assertThat(c.ttl()).isEqualTo(5000);
        assertThat(((Command.ReapNode) CommandCodec.decode(HexFormat.of().parseHex(WRITTEN_BY_THE_FIRST_CODEC.get(3))).command()).path())
                .isEqualTo("/a/é/ü");
    }

    @Test
    void nullPathsAndDataGoThroughTheLogAsNulls() {
        // A client may send a null path or null data; the state machine, not the codec, answers it.
        for (WriteOp op : List.of(new WriteOp.SetData(null, null, -1), new WriteOp.Create(null, null, null, CreateMode.PERSISTENT, -1),
                new WriteOp.Delete(null, -1, false), new WriteOp.Check(null, 0), new WriteOp.Sync(null))) {
            Command.ClientWrite w = new Command.ClientWrite(1, List.of(), op, false);
            Proposal p = CommandCodec.decode(CommandCodec.encode(proposal(w)));
            WriteOp back = ((Command.ClientWrite) p.command()).op();
            assertThat(back.getClass()).isEqualTo(op.getClass());
            assertThat(back.toString()).isEqualTo(op.toString());
        }
    }

    @Test
    void aCutOrPaddedCommandIsNotWellFormed() {
        for (String hex : WRITTEN_BY_THE_FIRST_CODEC) {
            byte[] command = Arrays.copyOfRange(HexFormat.of().parseHex(hex), 25, HexFormat.of().parseHex(hex).length);
            for (int cut = 0; cut < command.length; cut++) {
                assertThat(CommandCodec.isWellFormedCommand(Arrays.copyOf(command, cut))).as("%s cut at %d", hex, cut).isFalse();
            }
            assertThat(CommandCodec.isWellFormedCommand(Arrays.copyOf(command, command.length + 1))).isFalse();
        }
    }

    @Test
    void aHugeCountInCorruptBytesIsRefusedWithoutAllocatingIt() {
        // TouchSessions claiming 2^31-1 sessions, and a write claiming as many ids, with nothing behind.
        assertThat(CommandCodec.isWellFormedCommand(HexFormat.of().parseHex("057fffffff"))).isFalse();
        assertThat(CommandCodec.isWellFormedCommand(HexFormat.of().parseHex("0300000000000000097fffffff"))).isFalse();
        assertThatThrownBy(() -> CommandCodec.decode(HexFormat.of().parseHex("0100000000075bcd150000000000000002000000000000002a057fffffff")))
                .isInstanceOf(IllegalStateException.class);
    }
}
