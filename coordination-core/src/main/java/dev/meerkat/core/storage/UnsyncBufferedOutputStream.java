package dev.meerkat.core.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A {@link java.io.BufferedOutputStream} without its lock. A snapshot is encoded through a
 * {@link java.io.DataOutputStream}, which writes an int as four single-byte writes; on the JDK's
 * buffered stream each of them takes a monitor (a compare-and-swap since biased locking went), which
 * was a third of the snapshot thread's time. One thread owns an instance.
 */
public final class UnsyncBufferedOutputStream extends OutputStream {
    private final OutputStream out;
    private final byte[] buf;
    private int count;

    public UnsyncBufferedOutputStream(OutputStream out, int sizeBytes) {
        if (sizeBytes <= 0) throw new IllegalArgumentException("buffer size " + sizeBytes);
        this.out = out;
        this.buf = new byte[sizeBytes];
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buf.length) drain();
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= buf.length) {
            // Larger than the buffer: no point copying it through.
            drain();
            out.write(b, off, len);
            return;
        }
        if (len > buf.length - count) drain();
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }
}
