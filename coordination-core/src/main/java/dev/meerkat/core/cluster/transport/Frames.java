package dev.meerkat.core.cluster.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.util.function.Consumer;

/**
 * The peer link's framing: a 4-byte big-endian length, then that many bytes: a type byte and its
 * payload. One parser per socket; a frame longer than the limit closes the socket.
 */
final class Frames {
    static final byte HELLO = 1;
    static final byte HELLO_OK = 2;
    static final byte HELLO_REFUSED = 3;
    static final byte PING = 4;
    static final byte PONG = 5;
    /** A {@link dev.meerkat.core.cluster.PeerMessage} in {@link dev.meerkat.core.cluster.PeerCodec}'s format. */
    static final byte MESSAGE = 6;

    /** Bigger than any Raft append (1 MiB of entries) or snapshot chunk plus headers, by far. */
    static final int MAX_FRAME = 64 << 20;

    private Frames() {
    }

    static Buffer frame(byte type, byte[] payload) {
        Buffer b = Buffer.buffer(5 + payload.length);
        b.appendInt(1 + payload.length).appendByte(type).appendBytes(payload);
        return b;
    }

    /** A frame handed to the reader: its type and payload. */
    record Frame(byte type, Buffer payload) {
    }

    /** Installs a parser on {@code socket}; returns it so the caller can pause and resume reading. */
    static RecordParser read(NetSocket socket, Consumer<Frame> onFrame, Consumer<String> onViolation) {
        RecordParser parser = RecordParser.newFixed(4, socket);
        boolean[] readingLength = {true};
        int[] expected = {4};
        parser.handler(record -> {
            // At the end of the stream RecordParser hands over what is left as a short record: not a frame.
            if (record.length() != expected[0]) return;
            if (readingLength[0]) {
                int length = record.getInt(0);
                if (length < 1 || length > MAX_FRAME) {
                    onViolation.accept("frame length " + length + " out of range");
                    return;
                }
                readingLength[0] = false;
                expected[0] = length;
                parser.fixedSizeMode(length);
            } else {
                readingLength[0] = true;
                expected[0] = 4;
                parser.fixedSizeMode(4);
                onFrame.accept(new Frame(record.getByte(0), record.slice(1, record.length())));
            }
        });
        return parser;
    }
}
