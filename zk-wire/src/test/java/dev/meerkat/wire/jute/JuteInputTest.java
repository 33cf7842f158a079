package dev.meerkat.wire.jute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.jute.BinaryOutputArchive;
import org.junit.jupiter.api.Test;

class JuteInputTest {

    private static byte[] bytes(int... ints) {
        JuteOutput out = new JuteOutput();
        for (int i : ints) {
            out.writeInt(i);
        }
        return out.toByteArray();
    }

    @Test
    void readsWhatZooKeepersArchiveWrites() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bos);
        a.writeInt(Integer.MIN_VALUE, "");
        a.writeLong(Long.MIN_VALUE, "");
        a.writeLong(-2L, "");
        a.writeBool(true, "");
        a.writeBool(false, "");
        a.writeBuffer(null, "");
        a.writeBuffer(new byte[0], "");
        a.writeBuffer(new byte[] {-1, 0, 1}, "");
        a.writeString(null, "");
        a.writeString("", "");
        a.writeString("caf\u00e9 \u4e2d\u6587", "");

        JuteInput in = new JuteInput(bos.toByteArray());
        assertThat(in.readInt()).isEqualTo(Integer.MIN_VALUE);
        assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(in.readLong()).isEqualTo(-2L);
        assertThat(in.readBool()).isTrue();
        assertThat(in.readBool()).isFalse();
        assertThat(in.readBuffer()).isNull();
        assertThat(in.readBuffer()).isEmpty();
        assertThat(in.readBuffer()).containsExactly(-1, 0, 1);
        assertThat(in.readString()).isNull();
        assertThat(in.readString()).isEmpty();
        assertThat(in.readString()).isEqualTo("caf\u00e9 \u4e2d\u6587");
        assertThat(in.remaining()).isZero();
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void decodesNonBmpStringsFromTheJavaClientLikeZooKeeperDoes() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        BinaryOutputArchive.getArchive(bos).writeString("/\uD83D\uDE00", "");
        byte[] clientBytes = bos.toByteArray();
        String zk = org.apache.jute.BinaryInputArchive
                .getArchive(new java.io.ByteArrayInputStream(clientBytes)).readString("");
        assertThat(new JuteInput(clientBytes).readString()).isEqualTo(zk);
    }

    @Test
    void anyNonZeroByteIsTrue() throws Exception {
        assertThat(new JuteInput(new byte[] {2}).readBool()).isTrue();
    }

    @Test
    void readsOnlyItsRange() throws Exception {
        byte[] b = bytes(1, 2, 3);
        JuteInput in = new JuteInput(b, 4, 4);
        assertThat(in.readInt()).isEqualTo(2);
        assertThatThrownBy(in::readInt).isInstanceOf(JuteException.class).hasMessageContaining("truncated");
    }

    @Test
    void readsHeapBufferFromItsPositionAndDirectBuffer() throws Exception {
        ByteBuffer heap = ByteBuffer.wrap(bytes(7, 8, 9));
        heap.getInt();
        ByteBuffer slice = heap.slice();
        assertThat(JuteInput.of(slice).readInt()).isEqualTo(8);
        assertThat(JuteInput.of(heap).remaining()).isEqualTo(8);
        assertThat(heap.position()).as("the buffer is not consumed").isEqualTo(4);

        ByteBuffer direct = ByteBuffer.allocateDirect(8);
        direct.putLong(0x0102030405060708L).flip();
        assertThat(JuteInput.of(direct).readLong()).isEqualTo(0x0102030405060708L);
    }

    @Test
    void vectors() throws Exception {
        JuteOutput out = new JuteOutput();
        out.writeStringVector(null).writeStringVector(List.of()).writeStringVector(List.of("a", "bc"));
        JuteInput in = new JuteInput(out.toByteArray());
        assertThat(in.readStringVector()).isNull();
        assertThat(in.readStringVector()).isEmpty();
        assertThat(in.readStringVector()).containsExactly("a", "bc");
    }

    @Test
    void negativeLengthsOtherThanMinusOneAreRejected() {
        for (int len : new int[] {-2, -100, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> new JuteInput(bytes(len, 0)).readBuffer())
                    .isInstanceOf(JuteException.class).hasMessageContaining("negative");
            assertThatThrownBy(() -> new JuteInput(bytes(len, 0)).readString()).isInstanceOf(JuteException.class);
        }
    }

    @Test
    void negativeVectorCountsOtherThanMinusOneAreEmptyAsInZooKeeper() throws Exception {
        for (int len : new int[] {-2, -3, -100, Integer.MIN_VALUE}) {
            assertThat(new JuteInput(bytes(len, 0)).readStringVector()).isEmpty();
        }
    }

    @Test
    void lengthsBeyondWhatRemainsAreRejectedWithoutAllocating() {
        JuteInput unlimited = new JuteInput(bytes(Integer.MAX_VALUE, 1, 2), 0, 12, Integer.MAX_VALUE);
        assertThatThrownBy(unlimited::readBuffer).isInstanceOf(JuteException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> new JuteInput(bytes(9, 1)).readString()).isInstanceOf(JuteException.class);
    }

    @Test
    void lengthsBeyondTheConfiguredMaximumAreRejected() {
        byte[] b = new JuteOutput().writeBuffer(new byte[11]).toByteArray();
        assertThatThrownBy(() -> new JuteInput(b, 0, b.length, 10).readBuffer())
                .isInstanceOf(JuteException.class).hasMessageContaining("maximum");
        assertThatThrownBy(() -> new JuteInput(b).readStringVector())
                .as("count 11 of strings, at least 4 bytes each, cannot fit in 11 bytes")
                .isInstanceOf(JuteException.class);
        assertThatThrownBy(() -> new JuteInput(bytes(JuteInput.DEFAULT_MAX_LENGTH + 1)).readBuffer())
                .isInstanceOf(JuteException.class).hasMessageContaining("maximum");
    }

    @Test
    void hugeVectorCountFailsBeforeReadingItems() {
        assertThatThrownBy(() -> new JuteInput(bytes(1_000_000, 0, 0), 0, 12, Integer.MAX_VALUE).readStringVector())
                .isInstanceOf(JuteException.class).hasMessageContaining("cannot fit");
    }

    @Test
    void truncatedPrimitivesAreRejected() {
        assertThatThrownBy(() -> new JuteInput(new byte[3]).readInt()).isInstanceOf(JuteException.class);
        assertThatThrownBy(() -> new JuteInput(new byte[7]).readLong()).isInstanceOf(JuteException.class);
        assertThatThrownBy(() -> new JuteInput(new byte[0]).readBool()).isInstanceOf(JuteException.class);
        assertThatThrownBy(() -> new JuteInput(new byte[0]).readByte()).isInstanceOf(JuteException.class);
    }

    @Test
    void strictCallersCanRefuseTrailingBytes() throws Exception {
        JuteInput in = new JuteInput(bytes(1, 2));
        in.readInt();
        assertThatThrownBy(() -> in.requireFullyConsumed("ping")).isInstanceOf(JuteException.class);
        in.readInt();
        in.requireFullyConsumed("ping");
    }

    @Test
    void badRangesAreProgrammingErrors() {
        assertThatThrownBy(() -> new JuteInput(new byte[4], 2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JuteInput(new byte[4], -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
