package dev.meerkat.wire.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

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
    private final RecordParser parser;
    private final int maxBuffer;
    private final Consumer<byte[]> onFrame;
    private final Consumer<String> onFourLetterWord;
    private final Consumer<String> onViolation;
    private int expected = 4;
    private boolean readingLength = true;
    private boolean firstFrame = true;
    private boolean stopped;

    FrameReader(NetSocket socket, int maxBuffer, Consumer<byte[]> onFrame, Consumer<String> onFourLetterWord,
                Consumer<String> onViolation) {
        this.maxBuffer = maxBuffer;
        this.onFrame = onFrame;
        this.onFourLetterWord = onFourLetterWord;
        this.onViolation = onViolation;
        this.parser = RecordParser.newFixed(4, socket);
        parser.handler(this::onRecord);
        parser.exceptionHandler(e -> onViolation.accept("read error: " + e.getMessage()));
    }

    private void onRecord(Buffer record) {
        if (stopped) return;
        if (record.length() != expected) {
            // The stream ended inside a length prefix or a body: nothing of it is used.
            stopped = true;
            return;
        }
        if (readingLength) {
            if (firstFrame) {
                firstFrame = false;
                String word = record.toString(StandardCharsets.US_ASCII);
                if (FourLetterWords.isCommand(word)) {
                    stopped = true;
                    parser.pause();
                    onFourLetterWord.accept(word);
                    return;
                }
            }
            int length = record.getInt(0);
            if (length <= 0 || length > maxBuffer) {
                stopped = true;
                onViolation.accept("frame length " + length + " out of range (jute.maxbuffer " + maxBuffer + ")");
                return;
            }
            readingLength = false;
            expected = length;
            parser.fixedSizeMode(length);
        } else {
            readingLength = true;
            expected = 4;
            parser.fixedSizeMode(4);
            onFrame.accept(record.getBytes());
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
