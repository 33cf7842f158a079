package dev.meerkat.core.log;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogRecordCodecTest {

    private final LogRecordCodec codec = new LogRecordCodec();

    private byte[] encode(LogRecord r) {
        ByteBuffer b = codec.encode(r);
        byte[] out = new byte[b.limit()];
        b.get(out);
        return out;
    }

    private LogRecord decode(byte[] bytes, int length) {
        ByteBuffer b = codec.readBuffer(length);
        System.arraycopy(bytes, 0, b.array(), 0, length);
        return codec.decode(length);
    }

    @Test
    void everyRecordKindRoundTrips() {
        List<LogRecord> records = List.of(
                new LogRecord.Entry(new LogEntry(7, 3, EntryKind.CONFIG, new byte[] {1, 2, 3})),
                new LogRecord.Entry(new LogEntry(8, 3, EntryKind.NOOP, new byte[0])),
                new LogRecord.Truncate(5), new LogRecord.Compact(4, 2), new LogRecord.Reset(100, 9),
                new LogRecord.RecoveryCut(0x1234_5678_9abcL));
        for (LogRecord r : records) {
            byte[] bytes = encode(r);
            assertThat(decode(bytes, bytes.length)).isEqualTo(r);
        }
    }

    @Test
    void anySingleFlippedBitOrShortenedExcerptIsDamage() {
        byte[] bytes = encode(new LogRecord.Entry(new LogEntry(42, 7, EntryKind.COMMAND, "set /a 1".getBytes())));
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = bytes.clone();
                damaged[i] ^= (byte) (1 << bit);
                assertThat(decode(damaged, damaged.length)).as("flip byte %d bit %d", i, bit).isNull();
            }
        }
        for (int length = 0; length < bytes.length; length++) {
            assertThat(decode(bytes, length)).as("cut to %d bytes", length).isNull();
        }
    }

    @Test
    void zeroedExcerptAsLeftByATornPageIsDamage() {
        byte[] zeros = new byte[40];
        assertThat(decode(zeros, zeros.length)).isNull();
    }
}
