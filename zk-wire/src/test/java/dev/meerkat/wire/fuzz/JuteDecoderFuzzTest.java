package dev.meerkat.wire.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.RequestHeader;

import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the Jute decoder (Jazzer), from a seed corpus of frames recorded from
 * the official client and Curator (see {@code SeedCorpusRecorder}): any frame body is either
 * decoded or refused with a JuteException, never anything else, never more memory than the frame
 * allows; and what decodes re-encodes to bytes that decode to the same request.
 *
 * <p>{@code mvn verify}'s {@code fuzz} execution replays the corpus, then fuzzes for a bounded number
 * of runs with a fixed seed; docs/security.md has the command for a long run.
 */
class JuteDecoderFuzzTest {
    private static final int MAX_BUFFER = 0xfffff;

    @FuzzTest(maxDuration = "1h")
    void decode(byte[] body) {
        try {
            ConnectRequest c = ConnectRequest.read(new JuteInput(body, 0, body.length, MAX_BUFFER));
            JuteOutput out = new JuteOutput();
            c.write(out);
            byte[] once = out.toByteArray();
            JuteOutput again = new JuteOutput();
            ConnectRequest.read(new JuteInput(once)).write(again);
            if (!Arrays.equals(once, again.toByteArray())) throw new AssertionError("ConnectRequest does not round-trip: " + c);
        } catch (JuteException refused) {
            // a malformed ConnectRequest: the connection would be closed
        }
        try {
            JuteInput in = new JuteInput(body, 0, body.length, MAX_BUFFER);
            RequestHeader h = RequestHeader.read(in);
            Request r = Request.decode(h.type(), in);
            byte[] once = encode(r);
            byte[] twice = encode(Request.decode(h.type(), new JuteInput(once, 0, once.length, Integer.MAX_VALUE)));
            if (!Arrays.equals(once, twice)) throw new AssertionError("opcode " + h.type() + " does not round-trip: " + r);
        } catch (JuteException refused) {
            // a malformed request: answered with MARSHALLINGERROR, or the connection closed
        }
    }

    private static byte[] encode(Request r) {
        JuteOutput out = new JuteOutput();
        r.write(out);
        return out.toByteArray();
    }
}
