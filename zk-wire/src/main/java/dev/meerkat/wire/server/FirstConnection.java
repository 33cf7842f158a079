package dev.meerkat.wire.server;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.ConnectResponse;
import dev.meerkat.wire.proto.GetDataRequest;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.ReplyHeader;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.RequestHeader;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the first client of a cold JVM would otherwise wait for: the classes of a handshake and a
 * request (framing, decoding, encoding) and the seed of the session passwords' SecureRandom. Done
 * once per JVM, on a client loop that is idle while the server finishes starting, by going through
 * that code with a canned ConnectRequest and getData (no socket, no node).
 */
final class FirstConnection {
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private FirstConnection() {
    }

    static void prepare() {
        if (!DONE.compareAndSet(false, true)) return;
        SessionBinding.prepare();
        // Loaded, verified and initialised here rather than in the first connection's path.
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (Class<?> c : new Class<?>[]{ClientConnection.class, RequestPipeline.class, Identities.class, ConnectionStats.class,
                FourLetterWords.class, ResultTranslator.class, Reply.class}) {
            try {
                lookup.ensureInitialized(c);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        JuteOutput out = new JuteOutput(128);
        int mark = out.beginFrame();
        new ConnectRequest(0, 0, 30_000, 0, new byte[16], false).write(out);
        out.endFrame(mark);
        mark = out.beginFrame();
        new RequestHeader(1, OpCode.GET_DATA).write(out);
        new GetDataRequest("/", false).write(out);
        out.endFrame(mark);
        List<byte[]> frames = new ArrayList<>();
        FrameReader reader = new FrameReader(1 << 20, new FrameReader.Sink() {
            @Override
            public void frame(byte[] body) {
                frames.add(body);
            }

            @Override
            public void fourLetterWord(String word) {
            }

            @Override
            public boolean wantsTraceMask(String word) {
                return false;
            }

            @Override
            public void traceMask(long mask) {
            }

            @Override
            public void violation(String reason) {
                throw new IllegalStateException(reason);
            }

            @Override
            public void bytesRead(int n) {
            }
        });
        byte[] bytes = out.toByteArray();
        reader.feed(bytes, 0, bytes.length);
        try {
            byte[] connect = frames.get(0);
            ConnectRequest.read(new JuteInput(connect, 0, connect.length, 1 << 20));
            byte[] request = frames.get(1);
            JuteInput in = new JuteInput(request, 0, request.length, 1 << 20);
            RequestHeader header = RequestHeader.read(in);
            RequestTranslator.translate(Request.decode(header.type(), in));
        } catch (JuteException e) {
            throw new IllegalStateException("the canned first request does not decode", e);
        }
        JuteOutput reply = new JuteOutput(64);
        new ConnectResponse(0, 30_000, 1, new byte[16], false).write(reply);
        new ReplyHeader(1, 1, 0).write(reply);
    }
}
