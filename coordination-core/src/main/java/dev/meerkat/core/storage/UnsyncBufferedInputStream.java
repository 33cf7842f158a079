package dev.meerkat.core.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * A {@link java.io.BufferedInputStream} without its lock, mark or reset: a snapshot is decoded
 * through a {@link java.io.DataInputStream}, which reads an int as four single-byte reads, each a
 * monitor on the JDK's buffered stream. One thread owns an instance.
 */
public final class UnsyncBufferedInputStream extends InputStream {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;

    public UnsyncBufferedInputStream(InputStream in, int sizeBytes) {
        if (sizeBytes <= 0) throw new IllegalArgumentException("buffer size " + sizeBytes);
        this.in = in;
        this.buf = new byte[sizeBytes];
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && !fill()) return -1;
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        int buffered = limit - pos;
        if (buffered == 0) {
            // Large reads go straight through rather than being copied twice.
            if (len >= buf.length) return in.read(b, off, len);
            if (!fill()) return -1;
            buffered = limit - pos;
        }
        int n = Math.min(len, buffered);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) return 0;
        int buffered = limit - pos;
        if (buffered > 0) {
            int k = (int) Math.min(n, buffered);
            pos += k;
            return k;
        }
        return in.skip(n);
    }

    @Override
    public int available() throws IOException {
        return (limit - pos) + in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            pos = limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
