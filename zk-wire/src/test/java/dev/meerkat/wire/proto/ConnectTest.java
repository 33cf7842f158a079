package dev.meerkat.wire.proto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meerkat.wire.jute.JuteInput;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The handshake, whose trailing readOnly flag is optional in both directions. */
class ConnectTest {
    private static final byte[] PASSWD = new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    /**
     * In 3.9.5 the generated records end with the readOnly bool; clients older than 3.4 (and
     * servers talking to them) stop after passwd, which we model by cutting that last byte.
     */
    private static byte[] reference(org.apache.jute.Record record, boolean withReadOnly) {
        byte[] full = Ref.bytes(record);
        return withReadOnly ? full : Arrays.copyOf(full, full.length - 1);
    }

    @Test
    void requestWithReadOnlyByte() throws Exception {
        byte[] ref = reference(new org.apache.zookeeper.proto.ConnectRequest(0, 0x500000007L, 18_000,
                0x1234_5678_9abcL, PASSWD, true), true);
        ConnectRequest ours = new ConnectRequest(0, 0x500000007L, 18_000, 0x1234_5678_9abcL, PASSWD, true);
        assertThat(Ref.ours(ours::write)).isEqualTo(ref);
        JuteInput in = new JuteInput(ref);
        ConnectRequest decoded = ConnectRequest.read(in);
        assertThat(decoded).usingRecursiveComparison().isEqualTo(ours);
        assertThat(decoded.passwd()).isEqualTo(PASSWD);
        assertThat(in.remaining()).isZero();
    }

    @Test
    void requestWithoutReadOnlyByteMeansFalse() throws Exception {
        byte[] ref = reference(
                new org.apache.zookeeper.proto.ConnectRequest(0, 0, 30_000, 0, new byte[16], true), false);
        ConnectRequest decoded = ConnectRequest.read(new JuteInput(ref));
        assertThat(decoded.readOnly()).isFalse();
        assertThat(decoded.timeOut()).isEqualTo(30_000);
        assertThat(decoded.sessionId()).isZero();
        assertThat(decoded.passwd()).hasSize(16);
    }

    @Test
    void requestWithNullPassword() throws Exception {
        byte[] ref = reference(
                new org.apache.zookeeper.proto.ConnectRequest(0, -1, 1, -1, null, false), true);
        ConnectRequest decoded = ConnectRequest.read(new JuteInput(ref));
        assertThat(decoded).usingRecursiveComparison().isEqualTo(new ConnectRequest(0, -1, 1, -1, null, false));
        assertThat(Ref.ours(decoded::write)).isEqualTo(ref);
    }

    @Test
    void responseWithAndWithoutReadOnlyByte() throws Exception {
        org.apache.zookeeper.proto.ConnectResponse refRecord =
                new org.apache.zookeeper.proto.ConnectResponse(0, 6_000, 0x1_0000_00ffL, PASSWD, false);
        ConnectResponse ours = new ConnectResponse(0, 6_000, 0x1_0000_00ffL, PASSWD, false);
        byte[] withFlag = reference(refRecord, true);
        assertThat(Ref.ours(ours::write)).isEqualTo(withFlag);
        assertThat(ConnectResponse.read(new JuteInput(withFlag))).usingRecursiveComparison().isEqualTo(ours);
        assertThat(ConnectResponse.read(new JuteInput(reference(refRecord, false))))
                .usingRecursiveComparison().isEqualTo(ours);
        refRecord.setReadOnly(true);
        assertThat(ConnectResponse.read(new JuteInput(reference(refRecord, true))).readOnly()).isTrue();
    }

    @Test
    void expiredSessionAnswerHasZeroTimeout() throws Exception {
        ConnectResponse expired = new ConnectResponse(0, 0, 0, new byte[16], false);
        byte[] ref = reference(
                new org.apache.zookeeper.proto.ConnectResponse(0, 0, 0, new byte[16], false), true);
        assertThat(Ref.ours(expired::write)).isEqualTo(ref);
    }
}
