package dev.meerkat.wire.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meerkat.wire.jute.JuteInput;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record encodes exactly as ZooKeeper's generated record and decodes ZooKeeper's bytes. */
class RecordCompatibilityTest {

    static List<Cases.Case> cases() {
        return Cases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesLikeZooKeeper(Cases.Case c) {
        assertThat(Ref.ours(c.writer())).isEqualTo(c.refBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesZooKeeperBytes(Cases.Case c) throws Exception {
        JuteInput in = new JuteInput(c.refBytes(), 0, c.refBytes().length, Integer.MAX_VALUE);
        Object decoded = c.reader().read(in);
        assertThat(in.remaining()).as("bytes left unread").isZero();
        assertThat(decoded).isInstanceOf(c.value().getClass());
        assertThat(decoded).usingRecursiveComparison().isEqualTo(c.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesWhatItEncodes(Cases.Case c) throws Exception {
        byte[] bytes = Ref.ours(c.writer());
        Object decoded = c.reader().read(new JuteInput(bytes, 0, bytes.length, Integer.MAX_VALUE));
        assertThat(Ref.ours(out -> writeAgain(decoded, out))).isEqualTo(bytes);
    }

    @Test
    void recursiveComparisonSeesInsideArraysAndLists() {
        // guards the decode checks above against passing vacuously
        assertThatThrownBy(() -> assertThat(new GetDataResponse(new byte[] {1}, Samples.STAT))
                .usingRecursiveComparison().isEqualTo(new GetDataResponse(new byte[] {2}, Samples.STAT)))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThat(new SetACLRequest("/a", Samples.OPEN, 1))
                .usingRecursiveComparison().isEqualTo(new SetACLRequest("/a", Samples.MIXED, 1)))
                .isInstanceOf(AssertionError.class);
    }

    private static void writeAgain(Object value, dev.meerkat.wire.jute.JuteOutput out) {
        // every sample type has a write(JuteOutput); dispatch without reflection where we can
        if (value instanceof Request r) {
            r.write(out);
        } else if (value instanceof Response r) {
            r.write(out);
        } else {
            try {
                value.getClass().getMethod("write", dev.meerkat.wire.jute.JuteOutput.class).invoke(value, out);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}
