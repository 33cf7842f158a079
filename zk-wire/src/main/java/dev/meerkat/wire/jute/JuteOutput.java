package dev.meerkat.wire.jute;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Growable writer of the Jute binary encoding (see {@link JuteInput} for the format).
 *
 * <p>Frames: {@link #beginFrame()} reserves the 4-byte length prefix and {@link #endFrame(int)}
 * patches it once the body is written, so a reply is built in one pass without knowing its size.
 * Several frames may be written back to back into one output. Not thread-safe.
 */
public final class JuteOutput {
    private byte[] buf;
    private int size;

    public JuteOutput() {
        this(256);
    }

    public JuteOutput(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public JuteOutput writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    public JuteOutput writeBool(boolean b) {
        return writeByte(b ? 1 : 0);
    }

    public JuteOutput writeInt(int v) {
        ensure(4);
        putInt(size, v);
        size += 4;
        return this;
    }

    public JuteOutput writeLong(long v) {
        writeInt((int) (v >>> 32));
        return writeInt((int) v);
    }

    /** Length then bytes; null is written as length -1. */
    public JuteOutput writeBuffer(byte[] b) {
        if (b == null) {
            return writeInt(-1);
        }
        writeInt(b.length);
        return writeRaw(b, 0, b.length);
    }

    /**
     * UTF-8 length then bytes; null is written as length -1. ZooKeeper's Java writer encodes
     * each UTF-16 surrogate separately (3 bytes each), so only strings with characters outside
     * the BMP differ from it; its reader, like ours, decodes standard UTF-8, turning such input
     * into U+FFFD, so a server that echoes what it read stays byte-identical to ZooKeeper.
     */
    public JuteOutput writeString(String s) {
        if (s == null) {
            return writeInt(-1);
        }
        return writeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Count then items; a null list is written as count -1. */
    public <T> JuteOutput writeVector(List<T> items, JuteWriter<? super T> item) {
        if (items == null) {
            return writeInt(-1);
        }
        writeInt(items.size());
        for (T t : items) {
            item.write(this, t);
        }
        return this;
    }

    public JuteOutput writeStringVector(List<String> items) {
        return writeVector(items, JuteOutput::writeString);
    }

    /** Bytes as they are, without a length. */
    public JuteOutput writeRaw(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, buf, size, length);
        size += length;
        return this;
    }

    /** Reserves a 4-byte length prefix; returns the mark to hand to {@link #endFrame(int)}. */
    public int beginFrame() {
        int mark = size;
        writeInt(0);
        return mark;
    }

    /** Patches the prefix reserved at {@code mark} with the number of bytes written since. */
    public void endFrame(int mark) {
        if (mark < 0 || mark > size - 4) {
            throw new IllegalArgumentException("no frame prefix at " + mark);
        }
        putInt(mark, size - mark - 4);
    }

    /** Bytes written so far. */
    public int size() {
        return size;
    }

    /** Bytes it can hold before it grows. */
    public int capacity() {
        return buf.length;
    }

    /** Forgets the content but keeps the capacity, to reuse the buffer. */
    public void reset() {
        size = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** A read-only view of the content, valid until the next write or reset. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(buf, 0, size).asReadOnlyBuffer();
    }

    private void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private void ensure(int n) {
        if (n > buf.length - size) {
            long wanted = Math.max((long) buf.length * 2, (long) size + n);
            if (wanted > Integer.MAX_VALUE - 8) {
                if ((long) size + n > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("Jute output beyond 2 GiB");
                }
                wanted = Integer.MAX_VALUE - 8;
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
