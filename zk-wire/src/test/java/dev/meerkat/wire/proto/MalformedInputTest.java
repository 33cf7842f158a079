package dev.meerkat.wire.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.jute.JuteReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile bytes must only ever produce a JuteException: never an index, allocation or other error. */
class MalformedInputTest {

    /** Every opcode Request.decode knows. */
    private static final int[] KNOWN_OPCODES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        21, 22, 100, 101, 102, 103, 104, 105, 106, 107, -11};

    static List<Cases.Case> cases() {
        return Cases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTruncationIsAJuteException(Cases.Case c) {
        byte[] full = c.refBytes();
        // all prefixes of small bodies; for the 300 kB create, a spread of them
        int step = full.length <= 4096 ? 1 : full.length / 257;
        for (int len = 0; len < full.length; len += step) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> c.reader().read(new JuteInput(cut, 0, cut.length, Integer.MAX_VALUE)))
                    .as("%s cut to %d of %d bytes", c.name(), len, full.length)
                    .isInstanceOf(JuteException.class);
        }
    }

    @Test
    void unknownOpcodesAreReportedNotFatal() throws Exception {
        for (int type : new int[] {0, 10, 23, 99, 108, -10, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            Request r = Request.decode(type, new JuteInput(new byte[] {1, 2, 3}));
            assertThat(r).isEqualTo(new UnknownRequest(type));
            assertThat(r.opcode()).isEqualTo(type);
        }
    }

    @Test
    void createWithBadLengthsIsRejected() {
        int[][] bodies = {
            {-2},                         // path length below -1
            {Integer.MAX_VALUE},          // path length far beyond the frame
            {1, 0x2f000000, 5},           // path "/" then data length 5 with too few bytes
            {-1, -1, 0x7fffffff},         // null path, null data, absurd ACL count
        };
        for (int[] ints : bodies) {
            JuteOutput out = new JuteOutput();
            for (int i : ints) {
                out.writeInt(i);
            }
            byte[] body = out.toByteArray();
            assertThatThrownBy(() -> Request.decode(OpCode.CREATE, new JuteInput(body)))
                    .as(HexFormat.of().formatHex(body)).isInstanceOf(JuteException.class);
        }
    }

    @Test
    void dataBeyondTheConfiguredMaximumIsRejected() {
        byte[] body = Ref.ours(new SetDataRequest("/x", new byte[2048], 0)::write);
        assertThatThrownBy(() -> Request.decode(OpCode.SET_DATA, new JuteInput(body, 0, body.length, 1024)))
                .isInstanceOf(JuteException.class).hasMessageContaining("maximum");
    }

    @Test
    void deleteContainerWithNullPathIsRejected() {
        assertThatThrownBy(() -> Request.decode(OpCode.DELETE_CONTAINER, new JuteInput(new byte[] {-1, -1, -1, -1})))
                .isInstanceOf(JuteException.class);
    }

    /** Valid encodings to mutate, each with the reader that should cope with its mutants. */
    private static List<Cases.Case> fuzzSeeds() {
        List<Cases.Case> seeds = new ArrayList<>();
        for (Cases.Case c : Cases.all()) {
            if (c.refBytes().length < 4096) {
                seeds.add(c);
            }
        }
        MultiRequest multi = new MultiRequest(List.of(
                new CreateRequest("/a", null, Samples.OPEN, 1), new SetDataRequest("/a", Samples.DATA, 0),
                new CheckVersionRequest("/e", 3), new DeleteRequest("/d", -1),
                new CreateTTLRequest("/t", null, Samples.MIXED, 5, 10)));
        seeds.add(Cases.request("multi", multi, Ref.ours(multi::write)));
        MultiReadRequest read = new MultiReadRequest(List.of(
                new GetDataRequest("/a", false), new GetChildrenRequest("/b", false)));
        seeds.add(Cases.request("multiRead", read, Ref.ours(read::write)));
        MultiResponse results = new MultiResponse(List.of(new OpResult.CreateResult("/a"),
                new OpResult.Create2Result("/b", Samples.STAT), new OpResult.DeleteResult(),
                new OpResult.CheckResult(), new OpResult.SetDataResult(Samples.STAT), new OpResult.ErrorResult(-2),
                new OpResult.GetDataResult(null, Samples.STAT), new OpResult.GetChildrenResult(List.of("x"))));
        seeds.add(new Cases.Case("multi results", results, results::write, MultiResponse::read,
                Ref.ours(results::write)));
        ConnectRequest connect = new ConnectRequest(0, 5, 18000, 0, new byte[16], false);
        seeds.add(new Cases.Case("connect", connect, connect::write, ConnectRequest::read,
                Ref.ours(connect::write)));
        ConnectResponse connected = new ConnectResponse(0, 18000, 7, new byte[16], false);
        seeds.add(new Cases.Case("connected", connected, connected::write, ConnectResponse::read,
                Ref.ours(connected::write)));
        return seeds;
    }

    private static final int[] NASTY_INTS = {-1, -2, 0, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xfffff, 0x100000,
        OpCode.MULTI, OpCode.GET_DATA, OpCode.CREATE, OpCode.ERROR};

    @Test
    void randomisedMutantsOnlyEverThrowJuteException() {
        Random random = new Random(0x5eedL);
        List<Cases.Case> seeds = fuzzSeeds();
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < 40_000; i++) {
            Cases.Case seed = seeds.get(random.nextInt(seeds.size()));
            byte[] mutant = mutate(seed.refBytes(), random);
            JuteReader<?> reader = seed.reader();
            if (random.nextInt(4) == 0) {
                int type = KNOWN_OPCODES[random.nextInt(KNOWN_OPCODES.length)];
                reader = in -> Request.decode(type, in);
            }
            if (decode(reader, mutant, seed.name())) {
                decoded++;
            } else {
                rejected++;
            }
        }
        for (int i = 0; i < 10_000; i++) {
            byte[] garbage = new byte[random.nextInt(80)];
            random.nextBytes(garbage);
            int type = KNOWN_OPCODES[random.nextInt(KNOWN_OPCODES.length)];
            if (decode(in -> Request.decode(type, in), garbage, "garbage for opcode " + type)) {
                decoded++;
            } else {
                rejected++;
            }
        }
        // both outcomes must actually occur, or the fuzzer is not exploring anything
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    /** True if it decoded, false on JuteException; anything else fails the test with the input. */
    private static boolean decode(JuteReader<?> reader, byte[] input, String what) {
        try {
            reader.read(new JuteInput(input));
            return true;
        } catch (JuteException expected) {
            return false;
        } catch (Throwable t) {
            fail("%s: %s on input %s", what, t, HexFormat.of().formatHex(input));
            return false;
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(5)) {
                case 0 -> { // flip a byte
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                case 1 -> { // plant a nasty int, usually over a length field
                    if (b.length >= 4) {
                        int at = random.nextInt(b.length - 3);
                        int v = NASTY_INTS[random.nextInt(NASTY_INTS.length)];
                        b[at] = (byte) (v >>> 24);
                        b[at + 1] = (byte) (v >>> 16);
                        b[at + 2] = (byte) (v >>> 8);
                        b[at + 3] = (byte) v;
                    }
                }
                case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncate
                case 3 -> { // append junk
                    byte[] tail = new byte[1 + random.nextInt(16)];
                    random.nextBytes(tail);
                    byte[] longer = Arrays.copyOf(b, b.length + tail.length);
                    System.arraycopy(tail, 0, longer, b.length, tail.length);
                    b = longer;
                }
                default -> { // drop a slice from the middle
                    if (b.length > 2) {
                        int from = random.nextInt(b.length - 1);
                        int to = from + 1 + random.nextInt(b.length - from - 1);
                        byte[] shorter = new byte[b.length - (to - from)];
                        System.arraycopy(b, 0, shorter, 0, from);
                        System.arraycopy(b, to, shorter, from, b.length - to);
                        b = shorter;
                    }
                }
            }
        }
        return b;
    }
}
