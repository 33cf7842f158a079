package dev.meerkat.server.migrate.zookeeper;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Adler32;

/**
 * Jute's binary encoding read from a stream (big-endian int and long, length-prefixed buffers and
 * strings, -1 for null), with two things ZooKeeper's files need: the byte position, for error
 * messages, and the Adler32 of exactly the bytes consumed so far, for the snapshot's seals.
 * (zk-wire's {@code JuteInput} reads one frame held in memory; a snapshot can be gigabytes.)
 *
 * <p>Running out of bytes is an {@link EOFException}: ZooKeeper's readers give that a meaning
 * (the end of a transaction log, an older snapshot without a digest).
 */
final class ZkStreamReader implements AutoCloseable {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private final Adler32 adler = new Adler32();
    private int pos;
    private int limit;
    /** Checksummed bytes end here in {@link #buf}. */
    private int checked;
    /** Stream position of {@code buf[0]}. */
    private long base;
    private boolean eof;
    private final boolean checksummed;

    /** {@code checksummed}: keep the running Adler32 (snapshots need it, transaction logs do not). */
    ZkStreamReader(InputStream in, boolean checksummed) {
        this.in = in;
        this.checksummed = checksummed;
    }

    /** Bytes consumed so far. */
    long position() {
        return base + pos;
    }

    /** Adler32 of every byte consumed so far. */
    long checksum() {
        if (!checksummed) throw new IllegalStateException("reader keeps no checksum");
        adler.update(buf, checked, pos - checked);
        checked = pos;
        return adler.getValue();
    }

    /** True when no byte remains. */
    boolean atEnd() throws IOException {
        return !fill(1);
    }

    byte readByte() throws IOException {
        need(1);
        return buf[pos++];
    }

    boolean readBool() throws IOException {
        return readByte() != 0;
    }

    int readInt() throws IOException {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long readLong() throws IOException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (buf[pos + i] & 0xff);
        pos += 8;
        return v;
    }

    /**
     * A length-prefixed buffer; null for length -1.
     *
     * @throws ZkLengthException for any other negative length or one above {@code maxLength}
     */
    byte[] readBuffer(int maxLength) throws IOException {
        int len = readInt();
        if (len == -1) return null;
        if (len < 0 || len > maxLength) throw new ZkLengthException(len, maxLength);
        return readBytes(len);
    }

    /** Exactly {@code len} bytes. */
    byte[] readBytes(int len) throws IOException {
        fill(Math.min(len, buf.length));
        int have = Math.min(len, limit - pos);
        if (have == len) {
            byte[] out = new byte[len];
            System.arraycopy(buf, pos, out, 0, len);
            pos += len;
            return out;
        }
        // Larger than what is buffered. readNBytes grows its buffer as bytes arrive, so a damaged
        // length cannot make us allocate a gigabyte before the stream runs out.
        byte[] head = new byte[have];
        System.arraycopy(buf, pos, head, 0, have);
        pos += have;
        if (checksummed) checksum();
        byte[] tail = in.readNBytes(len - have);
        base += tail.length;
        if (checksummed) adler.update(tail, 0, tail.length);
        if (tail.length < len - have) throw new EOFException("stream ends inside a " + len + "-byte field");
        byte[] out = new byte[len];
        System.arraycopy(head, 0, out, 0, have);
        System.arraycopy(tail, 0, out, have, tail.length);
        return out;
    }

    String readString(int maxLength) throws IOException {
        byte[] b = readBuffer(maxLength);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private void need(int n) throws IOException {
        if (!fill(n)) throw new EOFException("stream ends after " + (position() + limit - pos) + " bytes");
    }

    /** Makes {@code n} bytes available if the stream has them. */
    private boolean fill(int n) throws IOException {
        if (limit - pos >= n) return true;
        if (eof) return false;
        if (checksummed) checksum();
        int remaining = limit - pos;
        System.arraycopy(buf, pos, buf, 0, remaining);
        base += pos;
        pos = 0;
        checked = 0;
        limit = remaining;
        while (limit < n) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                eof = true;
                return false;
            }
            limit += r;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** A length field that cannot be right: negative (other than -1) or beyond the allowed size. */
    static final class ZkLengthException extends IOException {
        final int length;

        ZkLengthException(int length, int maxLength) {
            super("implausible length " + length + (length >= 0 ? " (more than " + maxLength + " bytes)" : ""));
            this.length = length;
        }
    }
}
