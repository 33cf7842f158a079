package dev.meerkat.core.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Binary layout of a {@link LogRecord} inside one Chronicle excerpt (little endian):
 * <pre>
 *   ENTRY     type=1, index:8, term:8, kind:1, length:4, data:length, crc:4
 *   TRUNCATE  type=2, fromIndex:8, crc:4
 *   COMPACT   type=3, index:8, term:8, crc:4
 *   RESET     type=4, index:8, term:8, crc:4
 *   RECOVERY  type=5, firstBadQueueIndex:8, crc:4
 * </pre>
 * The CRC32C covers every byte before it, and the excerpt length must match the layout exactly, so a
 * torn page, a flipped bit or a short excerpt is recognised as damage rather than read as an entry.
 *
 * <p>One instance per thread: it reuses a scratch buffer so the hot path does not allocate beyond the
 * entries themselves.
 */
final class LogRecordCodec {

    static final byte ENTRY = 1;
    static final byte TRUNCATE = 2;
    static final byte COMPACT = 3;
    static final byte RESET = 4;
    static final byte RECOVERY = 5;

    static final int ENTRY_HEADER = 1 + 8 + 8 + 1 + 4;
    private static final int CRC = 4;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer scratch = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    /** Encodes into the scratch buffer; the result is valid until the next call. */
    ByteBuffer encode(LogRecord record) {
        ByteBuffer b;
        if (record instanceof LogRecord.Entry e) {
            LogEntry entry = e.entry();
            b = scratch(ENTRY_HEADER + entry.data().length + CRC);
            b.put(ENTRY).putLong(entry.index()).putLong(entry.term()).put(entry.kind().code())
                    .putInt(entry.data().length).put(entry.data());
        } else if (record instanceof LogRecord.Truncate t) {
            b = scratch(1 + 8 + CRC);
            b.put(TRUNCATE).putLong(t.fromIndex());
        } else if (record instanceof LogRecord.Compact c) {
            b = scratch(1 + 16 + CRC);
            b.put(COMPACT).putLong(c.index()).putLong(c.term());
        } else if (record instanceof LogRecord.Reset r) {
            b = scratch(1 + 16 + CRC);
            b.put(RESET).putLong(r.index()).putLong(r.term());
        } else {
            LogRecord.RecoveryCut cut = (LogRecord.RecoveryCut) record;
            b = scratch(1 + 8 + CRC);
            b.put(RECOVERY).putLong(cut.firstBadQueueIndex());
        }
        b.putInt(checksum(b.array(), b.position()));
        b.flip();
        return b;
    }

    /** A buffer of at least {@code size} bytes for the caller to fill before {@link #decode}. */
    ByteBuffer readBuffer(int size) {
        ByteBuffer b = scratch(size);
        b.limit(size);
        return b;
    }

    /**
     * Decodes {@code length} bytes previously copied into {@link #readBuffer}.
     *
     * @return the record, or null when the bytes are damaged (wrong length, checksum or kind)
     */
    LogRecord decode(int length) {
        ByteBuffer b = scratch;
        if (length < 1 + CRC) return null;
        int stored = b.getInt(length - CRC);
        if (stored != checksum(b.array(), length - CRC)) return null;
        b.position(0).limit(length);
        byte type = b.get();
        switch (type) {
            case ENTRY -> {
                if (length < ENTRY_HEADER + CRC) return null;
                long index = b.getLong();
                long term = b.getLong();
                byte kind = b.get();
                int dataLength = b.getInt();
                if (dataLength != length - ENTRY_HEADER - CRC || index < 1 || term < 0 || kind < 0 || kind > 2) return null;
                byte[] data = new byte[dataLength];
                b.get(data);
                return new LogRecord.Entry(new LogEntry(index, term, EntryKind.ofCode(kind), data));
            }
            case TRUNCATE -> {
                return length == 1 + 8 + CRC ? new LogRecord.Truncate(b.getLong()) : null;
            }
            case COMPACT -> {
                return length == 1 + 16 + CRC ? new LogRecord.Compact(b.getLong(), b.getLong()) : null;
            }
            case RESET -> {
                return length == 1 + 16 + CRC ? new LogRecord.Reset(b.getLong(), b.getLong()) : null;
            }
            case RECOVERY -> {
                return length == 1 + 8 + CRC ? new LogRecord.RecoveryCut(b.getLong()) : null;
            }
            default -> {
                return null;
            }
        }
    }

    private int checksum(byte[] bytes, int length) {
        crc.reset();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private ByteBuffer scratch(int size) {
        if (scratch.capacity() < size) {
            scratch = ByteBuffer.allocate(Math.max(size, scratch.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
        }
        scratch.clear();
        return scratch;
    }
}
