package dev.meerkat.wire.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;

/**
 * Framing of the client protocol: a 4-byte big-endian length, then the body. The very first four
 * bytes of a connection may instead spell a four-letter word. A length out of range is a
 * violation: the connection closes, as on ZooKeeper, whose limit is the same: a frame (header and
 * body together) may be at most {@code jute.maxbuffer} bytes. Runs on the connection's event loop.
 *
 * <p>When the stream ends, Vert.x's {@link RecordParser} hands over whatever is left as one last,
 * short record. That is an incomplete frame (or length prefix): it is dropped, never executed, as
 * ZooKeeper executes nothing of a frame it has not read whole.
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

    private final RecordParser parser;
    private final int maxBuffer;
    private final Sink sink;
    /** The size of the record asked for: a shorter one is what is left when the stream ended. */
    private int expected = 4;
    private boolean readingLength = true;
    private boolean firstFrame = true;
    private boolean awaitingTraceMask;
    private boolean fourLetterWord;
    private boolean stopped;

    FrameReader(NetSocket socket, int maxBuffer, Sink sink) {
        this.maxBuffer = maxBuffer;
        this.sink = sink;
        this.parser = RecordParser.newFixed(4, socket);
        parser.handler(this::onRecord);
        parser.exceptionHandler(e -> sink.violation("read error: " + e.getMessage()));
    }

    /** This connection asked a four-letter word (it is answered even after the client half-closes). */
    boolean isFourLetterWord() {
        return fourLetterWord;
    }

    /** A four-letter word still waits for its argument (stmk's mask). */
    boolean awaitsArgument() {
        return awaitingTraceMask;
    }

    private void onRecord(Buffer record) {
        if (stopped) return;
        sink.bytesRead(record.length());
        if (record.length() != expected) {
            // The stream ended inside a length prefix, a body or stmk's mask: nothing of it is used.
            stopped = true;
            return;
        }
        if (awaitingTraceMask) {
            // stmk: the eight bytes after the word are the new mask.
            awaitingTraceMask = false;
            stopped = true;
            parser.pause();
            sink.traceMask(record.getLong(0));
            return;
        }
        if (readingLength) {
            if (firstFrame) {
                firstFrame = false;
                String word = record.toString(StandardCharsets.US_ASCII);
                if (FourLetterWords.isCommand(word)) {
                    fourLetterWord = true;
                    if (sink.wantsTraceMask(word)) {
                        awaitingTraceMask = true;
                        expected = 8;
                        parser.fixedSizeMode(8);
                        return;
                    }
                    stopped = true;
                    parser.pause();
                    sink.fourLetterWord(word);
                    return;
                }
            }
            int length = record.getInt(0);
            if (length <= 0 || length > maxBuffer) {
                stopped = true;
                sink.violation("frame length " + length + " out of range (jute.maxbuffer " + maxBuffer + ")");
                return;
            }
            readingLength = false;
            expected = length;
            parser.fixedSizeMode(length);
        } else {
            readingLength = true;
            expected = 4;
            parser.fixedSizeMode(4);
            sink.frame(record.getBytes());
        }
    }

    void pause() {
        parser.pause();
    }

    void resume() {
        parser.resume();
    }

    /** No more frames are delivered (the connection is closing). */
    void stop() {
        stopped = true;
    }
}
