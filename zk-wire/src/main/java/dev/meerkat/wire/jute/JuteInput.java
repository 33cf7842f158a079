package dev.meerkat.wire.jute;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Bounds-checked reader of the Jute binary encoding over a byte range.
 *
 * <p>Encoding: int and long big-endian, boolean one byte (non-zero is true), buffer and string an
 * int length then the bytes (length -1 = null), vector an int count then the items (-1 = null,
 * any other negative count = no items, as ZooKeeper reads it).
 * Every length is checked against the bytes that remain and against {@link #maxLength()} before
 * anything is allocated, so a hostile frame can cost at most its own size and only ever yields a
 * {@link JuteException}.
 *
 * <p>Not thread-safe; one instance per frame.
 */
public final class JuteInput {
    /** ZooKeeper's default {@code jute.maxbuffer}: 0xfffff bytes. */
    public static final int DEFAULT_MAX_LENGTH = 0xfffff;

    private final byte[] bytes;
    private final int end;
    private final int maxLength;
    private int pos;

    /** Reads {@code length} bytes of {@code bytes} from {@code offset}, lengths capped at {@code maxLength}. */
    public JuteInput(byte[] bytes, int offset, int length, int maxLength) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside array of " + bytes.length);
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength " + maxLength);
        }
        this.bytes = bytes;
        this.pos = offset;
        this.end = offset + length;
        this.maxLength = maxLength;
    }

    public JuteInput(byte[] bytes, int offset, int length) {
        this(bytes, offset, length, DEFAULT_MAX_LENGTH);
    }

    public JuteInput(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    /** Reads the remaining bytes of {@code buffer}; copies them only when it has no accessible array. */
    public static JuteInput of(ByteBuffer buffer, int maxLength) {
        if (buffer.hasArray()) {
            int offset = buffer.arrayOffset() + buffer.position();
            return new JuteInput(buffer.array(), offset, buffer.remaining(), maxLength);
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return new JuteInput(copy, 0, copy.length, maxLength);
    }

    public static JuteInput of(ByteBuffer buffer) {
        return of(buffer, DEFAULT_MAX_LENGTH);
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    /** The largest buffer, string or vector length accepted. */
    public int maxLength() {
        return maxLength;
    }

    public byte readByte() throws JuteException {
        require(1, "byte");
        return bytes[pos++];
    }

    public boolean readBool() throws JuteException {
        require(1, "boolean");
        return bytes[pos++] != 0;
    }

    public int readInt() throws JuteException {
        require(4, "int");
        int v = (bytes[pos] & 0xff) << 24 | (bytes[pos + 1] & 0xff) << 16
                | (bytes[pos + 2] & 0xff) << 8 | (bytes[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long readLong() throws JuteException {
        require(8, "long");
        long hi = readInt() & 0xffffffffL;
        long lo = readInt() & 0xffffffffL;
        return hi << 32 | lo;
    }

    /** A length-prefixed buffer; null when the length is -1. */
    public byte[] readBuffer() throws JuteException {
        int len = readLength("buffer");
        if (len < 0) {
            return null;
        }
        require(len, "buffer body");
        byte[] out = new byte[len];
        System.arraycopy(bytes, pos, out, 0, len);
        pos += len;
        return out;
    }

    /**
     * A length-prefixed UTF-8 string; null when the length is -1. Malformed UTF-8 decodes to
     * replacement characters, as in ZooKeeper, rather than failing.
     */
    public String readString() throws JuteException {
        int len = readLength("string");
        if (len < 0) {
            return null;
        }
        require(len, "string body");
        String s = new String(bytes, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /**
     * A vector: count then items; null when the count is -1. {@code minItemSize} is the fewest
     * bytes one item can occupy, so an absurd count fails before any item is read or any list
     * is sized.
     */
    public <T> List<T> readVector(JuteReader<T> item, int minItemSize) throws JuteException {
        int count = readInt();
        if (count == -1) {
            return null;
        }
        if (count < 0) {
            // ZooKeeper's BinaryInputArchive reads any other negative count as no items at all.
            return Collections.emptyList();
        }
        if ((long) count * Math.max(1, minItemSize) > remaining()) {
            throw new JuteException("vector of " + count + " items cannot fit in " + remaining() + " remaining bytes");
        }
        if (count == 0) {
            return Collections.emptyList();
        }
        List<T> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(item.read(this));
        }
        return Collections.unmodifiableList(items);
    }

    /** A vector of strings (each at least its 4-byte length); null when the count is -1. */
    public List<String> readStringVector() throws JuteException {
        return readVector(JuteInput::readString, 4);
    }

    /** Fails unless every byte has been consumed; for callers that want strict framing. */
    public void requireFullyConsumed(String what) throws JuteException {
        if (pos != end) {
            throw new JuteException(what + ": " + remaining() + " unexpected trailing bytes");
        }
    }

    private int readLength(String what) throws JuteException {
        int len = readInt();
        if (len == -1) {
            return -1;
        }
        if (len < 0) {
            throw new JuteException("negative " + what + " length " + len);
        }
        if (len > maxLength) {
            throw new JuteException(what + " length " + len + " exceeds the maximum of " + maxLength);
        }
        return len;
    }

    private void require(int n, String what) throws JuteException {
        if (n > end - pos) {
            throw new JuteException("truncated input: " + what + " needs " + n + " bytes, " + (end - pos) + " remain");
        }
    }
}
