package dev.meerkat.wire.jute;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.jute.BinaryOutputArchive;
import org.junit.jupiter.api.Test;

class JuteOutputTest {

    @Test
    void writesLikeZooKeepersArchive() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bos);
        a.writeInt(-1, "");
        a.writeLong(0x0102030405060708L, "");
        a.writeBool(true, "");
        a.writeBool(false, "");
        a.writeBuffer(null, "");
        a.writeBuffer(new byte[] {5, 6}, "");
        a.writeString(null, "");
        a.writeString("\u00e9\u4e2d/x", "");
        a.startVector(null, "");
        a.startVector(List.of("a"), "");
        a.writeString("a", "");

        JuteOutput out = new JuteOutput(1);
        out.writeInt(-1).writeLong(0x0102030405060708L).writeBool(true).writeBool(false)
                .writeBuffer(null).writeBuffer(new byte[] {5, 6}).writeString(null).writeString("\u00e9\u4e2d/x")
                .writeStringVector(null).writeStringVector(List.of("a"));
        assertThat(out.toByteArray()).isEqualTo(bos.toByteArray());
        assertThat(out.size()).isEqualTo(bos.size());
    }

    @Test
    void framesGetTheirBodyLengthPatchedIn() throws Exception {
        JuteOutput out = new JuteOutput(4);
        int first = out.beginFrame();
        out.writeInt(-2).writeInt(11);
        out.endFrame(first);
        int second = out.beginFrame();
        out.writeBuffer(new byte[1000]);
        out.endFrame(second);

        JuteInput in = new JuteInput(out.toByteArray());
        assertThat(in.readInt()).isEqualTo(8);
        assertThat(in.readInt()).isEqualTo(-2);
        assertThat(in.readInt()).isEqualTo(11);
        assertThat(in.readInt()).isEqualTo(1004);
        assertThat(in.readBuffer()).hasSize(1000);
        assertThat(in.remaining()).isZero();
    }

    @Test
    void emptyFrameIsJustTheLength() {
        JuteOutput out = new JuteOutput();
        out.endFrame(out.beginFrame());
        assertThat(out.toByteArray()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void growsAndResets() {
        JuteOutput out = new JuteOutput(16);
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 7);
        out.writeBuffer(big);
        assertThat(out.size()).isEqualTo(4 + big.length);
        ByteBuffer view = out.asByteBuffer();
        assertThat(view.remaining()).isEqualTo(out.size());
        assertThat(view.isReadOnly()).isTrue();
        out.reset();
        assertThat(out.size()).isZero();
        assertThat(out.writeByte(0x1ff).toByteArray()).containsExactly(0xff);
    }
}
