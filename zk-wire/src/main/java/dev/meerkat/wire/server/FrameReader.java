package dev.meerkat.wire.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Framing of the client protocol: a 4-byte big-endian length, then the body. The very first four
 * bytes of a connection may instead spell a four-letter word. A length out of range is a
 * violation: the connection closes, as on ZooKeeper, whose limit is the same: a frame (header and
 * body together) may be at most {@code jute.maxbuffer} bytes. Fed with whatever the socket read;
 * runs on the connection's event loop.
 *
 * <p>A frame is handed on only once it is whole: what is left when the stream ends (part of a
 * length prefix, a body, stmk's mask) is dropped, never executed, as ZooKeeper executes nothing of
 * a frame it has not read whole. A body's array grows with the bytes that arrive, so a length
 * prefix alone costs no memory: only bytes received do.
 */
final class FrameReader {
    /** What the reader hands on. */
    interface Sink {
        void frame(byte[] body);

        void fourLetterWord(String word);

        /** stmk: whether the word is allowed, so that its eight-byte mask follows. */
        boolean wantsTraceMask(String word);

        void traceMask(long mask);

        void violation(String reason);

        void bytesRead(int n);
    }

    /** A body's first array; larger ones double as their bytes arrive. */
    private static final int FIRST_BODY_BYTES = 16 << 10;

    private final int maxBuffer;
    private final Sink sink;
    private final byte[] head = new byte[8];
    private int headFill;
    private int headNeed = 4;
    /** The body being read (null while a length prefix is), its length, and how much of it has come. */
    private byte[] body;
    private int bodyLength;
    private int bodyFill;
    /** Whole frames that arrived while paused, handed on at {@link #resume()}. */
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private boolean firstFrame = true;
    private boolean awaitingTraceMask;
    private boolean fourLetterWord;
    private boolean paused;
    private boolean resuming;
    private boolean stopped;

    FrameReader(int maxBuffer, Sink sink) {
        this.maxBuffer = maxBuffer;
        this.sink = sink;
    }

    /** This connection asked a four-letter word (it is answered even after the client half-closes). */
    boolean isFourLetterWord() {
        return fourLetterWord;
    }

    /** A four-letter word still waits for its argument (stmk's mask). */
    boolean awaitsArgument() {
        return awaitingTraceMask;
    }

    /** Bytes from the socket ({@code bytes} may be reused by the caller once this returns). */
    void feed(byte[] bytes, int offset, int length) {
        if (stopped) return;
        sink.bytesRead(length);
        int end = offset + length;
        while (offset < end && !stopped) {
            if (body != null) {
                offset = readBody(bytes, offset, end);
                continue;
            }
            int n = Math.min(end - offset, headNeed - headFill);
            System.arraycopy(bytes, offset, head, headFill, n);
            headFill += n;
            offset += n;
            if (headFill < headNeed) return;
            headFill = 0;
            onHead();
        }
    }

    private int readBody(byte[] bytes, int offset, int end) {
        int n = Math.min(end - offset, bodyLength - bodyFill);
        if (bodyFill + n > body.length) body = Arrays.copyOf(body, (int) Math.min(bodyLength, Math.max(2L * body.length, bodyFill + n)));
        System.arraycopy(bytes, offset, body, bodyFill, n);
        bodyFill += n;
        if (bodyFill == bodyLength) {
            byte[] frame = body;
            body = null;
            deliver(frame);
        }
        return offset + n;
    }

    private void onHead() {
        if (awaitingTraceMask) {
            // stmk: the eight bytes after the word are the new mask.
            awaitingTraceMask = false;
            stopped = true;
            sink.traceMask(readLong(head));
            return;
        }
        if (firstFrame) {
            firstFrame = false;
            String word = new String(head, 0, 4, StandardCharsets.US_ASCII);
            if (FourLetterWords.isCommand(word)) {
                fourLetterWord = true;
                if (sink.wantsTraceMask(word)) {
                    awaitingTraceMask = true;
                    headNeed = 8;
                    return;
                }
                stopped = true;
                sink.fourLetterWord(word);
                return;
            }
        }
        int length = readInt(head);
        if (length <= 0 || length > maxBuffer) {
            stopped = true;
            sink.violation("frame length " + length + " out of range (jute.maxbuffer " + maxBuffer + ")");
            return;
        }
        bodyLength = length;
        bodyFill = 0;
        body = new byte[Math.min(length, FIRST_BODY_BYTES)];
    }

    private void deliver(byte[] frame) {
        if (paused || !held.isEmpty()) {
            held.add(frame);
        } else {
            sink.frame(frame);
        }
    }

    /** Frames are held, not handed on (the socket stops reading too, so few arrive meanwhile). */
    void pause() {
        paused = true;
    }

    /**
     * Hands on the frames held, for as long as nobody pauses again. A resume from inside a frame
     * being handed on only lifts the pause: the loop already running goes on (no recursion as deep
     * as the frames held).
     */
    void resume() {
        paused = false;
        if (resuming) return;
        resuming = true;
        try {
            while (!paused && !stopped && !held.isEmpty()) sink.frame(held.poll());
        } finally {
            resuming = false;
        }
    }

    /** The client sent its last byte: a part frame is dropped (whole ones still wait their turn). */
    void end() {
        body = null;
        headFill = 0;
    }

    /** No more frames are delivered (the connection is closing). */
    void stop() {
        stopped = true;
        held.clear();
        body = null;
    }

    private static int readInt(byte[] b) {
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private static long readLong(byte[] b) {
        long hi = readInt(b) & 0xffffffffL;
        long lo = (((b[4] & 0xff) << 24) | ((b[5] & 0xff) << 16) | ((b[6] & 0xff) << 8) | (b[7] & 0xff)) & 0xffffffffL;
        return (hi << 32) | lo;
    }
}
