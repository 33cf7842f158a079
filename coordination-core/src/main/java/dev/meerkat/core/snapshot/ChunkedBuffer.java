package dev.meerkat.core.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory byte stream kept as fixed-size chunks: serialising the state here is a short CPU-only
 * pause on the tree thread, with no copy on growth; the disk write then happens on another thread.
 */
public final class ChunkedBuffer extends OutputStream {
    private static final int CHUNK = 1 << 20;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int position;
    private long size;

    @Override
    public void write(int b) {
        if (current == null || position == CHUNK) nextChunk();
        current[position++] = (byte) b;
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (current == null || position == CHUNK) nextChunk();
            int n = Math.min(len, CHUNK - position);
            System.arraycopy(b, off, current, position, n);
            position += n;
            off += n;
            len -= n;
            size += n;
        }
    }

    private void nextChunk() {
        current = new byte[CHUNK];
        chunks.add(current);
        position = 0;
    }

    public long size() {
        return size;
    }

    public void writeTo(OutputStream out) throws IOException {
        for (int i = 0; i < chunks.size(); i++) {
            byte[] c = chunks.get(i);
            out.write(c, 0, i == chunks.size() - 1 ? position : CHUNK);
        }
    }
}
