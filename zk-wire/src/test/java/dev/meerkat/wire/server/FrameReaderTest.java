package dev.meerkat.wire.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The client protocol's framing, fed the way a socket feeds it: in pieces of any size. */
class FrameReaderTest {
    private static final int MAX = 1 << 20;

    /** What the reader handed on, in order. */
    private static class Recorder implements FrameReader.Sink {
        final List<String> events = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        long bytes;
        boolean allowStmk = true;

        @Override
        public void frame(byte[] body) {
            frames.add(body);
            events.add("frame:" + body.length);
        }

        @Override
        public void fourLetterWord(String word) {
            events.add("word:" + word);
        }

        @Override
        public boolean wantsTraceMask(String word) {
            return allowStmk && word.equals("stmk");
        }

        @Override
        public void traceMask(long mask) {
            events.add("mask:" + mask);
        }

        @Override
        public void violation(String reason) {
            events.add("violation:" + reason);
        }

        @Override
        public void bytesRead(int n) {
            bytes += n;
        }
    }

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** Feeds {@code stream} in pieces whose sizes come from {@code seed} (1 byte up to 3 frames' worth). */
    private static void feedInPieces(FrameReader reader, byte[] stream, long seed) {
        Random random = new Random(seed);
        int at = 0;
        while (at < stream.length) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 8 : 300_000));
            // The caller's buffer is reused after each call: the reader must copy what it keeps.
            byte[] piece = Arrays.copyOfRange(stream, at, at + n);
            reader.feed(piece, 0, n);
            Arrays.fill(piece, (byte) 0x5a);
            at += n;
        }
    }

    @Test
    void framesComeOutWholeAndInOrderHoweverTheBytesAreSplit() {
        Random random = new Random(7);
        List<byte[]> bodies = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            // Small requests and a few large ones (the body array grows as their bytes arrive).
            byte[] body = new byte[i % 50 == 0 ? 200_000 + random.nextInt(300_000) : 1 + random.nextInt(100)];
            random.nextBytes(body);
            bodies.add(body);
            stream.writeBytes(frame(body));
        }
        for (long seed = 0; seed < 20; seed++) {
            Recorder r = new Recorder();
            FrameReader reader = new FrameReader(MAX, r);
            feedInPieces(reader, stream.toByteArray(), seed);
            assertThat(r.frames).hasSize(bodies.size());
            for (int i = 0; i < bodies.size(); i++) assertThat(r.frames.get(i)).as("frame %d, seed %d", i, seed).isEqualTo(bodies.get(i));
            assertThat(r.bytes).isEqualTo(stream.size());
        }
    }

    @Test
    void aFourLetterWordIsRecognisedOnlyAsTheFirstFourBytes() {
        Recorder r = new Recorder();
        FrameReader reader = new FrameReader(MAX, r);
        reader.feed("ru".getBytes(StandardCharsets.US_ASCII), 0, 2);
        reader.feed("okmore bytes that are ignored".getBytes(StandardCharsets.US_ASCII), 0, 29);
        assertThat(r.events).containsExactly("word:ruok");
        assertThat(reader.isFourLetterWord()).isTrue();

        // After a first frame, the same bytes are a length prefix: 'ruok' is 1,920,298,859 bytes, too long.
        Recorder later = new Recorder();
        FrameReader second = new FrameReader(MAX, later);
        byte[] stream = concat(frame(new byte[]{1, 2, 3}), "ruok".getBytes(StandardCharsets.US_ASCII));
        second.feed(stream, 0, stream.length);
        assertThat(later.events).hasSize(2);
        assertThat(later.events.get(0)).isEqualTo("frame:3");
        assertThat(later.events.get(1)).startsWith("violation:frame length 1920298859 out of range");
    }

    @Test
    void stmkReadsItsEightByteMaskEvenInPieces() {
        Recorder r = new Recorder();
        FrameReader reader = new FrameReader(MAX, r);
        byte[] stream = concat("stmk".getBytes(StandardCharsets.US_ASCII), ByteBuffer.allocate(8).putLong(0x1234_5678_9abcL).array());
        for (int i = 0; i < stream.length; i++) reader.feed(stream, i, 1);
        assertThat(r.events).containsExactly("mask:" + 0x1234_5678_9abcL);

        // A mask cut short by the end of the stream is never applied.
        Recorder cut = new Recorder();
        FrameReader short_ = new FrameReader(MAX, cut);
        short_.feed(stream, 0, 9);
        assertThat(short_.awaitsArgument()).isTrue();
        short_.end();
        assertThat(cut.events).isEmpty();
    }

    @Test
    void lengthsOutOfRangeAreViolationsAndNothingFollows() {
        for (int length : new int[]{0, -1, MAX + 1, Integer.MAX_VALUE}) {
            Recorder r = new Recorder();
            FrameReader reader = new FrameReader(MAX, r);
            byte[] stream = concat(frame(new byte[]{9}), ByteBuffer.allocate(4).putInt(length).array(), frame(new byte[]{8}));
            reader.feed(stream, 0, stream.length);
            assertThat(r.events).hasSize(2);
            assertThat(r.events.get(1)).startsWith("violation:frame length " + length + " out of range (jute.maxbuffer " + MAX + ")");
        }
        // Exactly jute.maxbuffer is allowed, as on ZooKeeper.
        Recorder r = new Recorder();
        FrameReader reader = new FrameReader(MAX, r);
        byte[] stream = frame(new byte[MAX]);
        reader.feed(stream, 0, stream.length);
        assertThat(r.events).containsExactly("frame:" + MAX);
    }

    @Test
    void aPartFrameAtTheEndOfTheStreamIsDropped() {
        Recorder r = new Recorder();
        FrameReader reader = new FrameReader(MAX, r);
        byte[] whole = frame(new byte[]{1, 2});
        byte[] part = Arrays.copyOf(frame(new byte[100]), 50);
        byte[] stream = concat(whole, part);
        reader.feed(stream, 0, stream.length);
        reader.end();
        assertThat(r.events).containsExactly("frame:2");
    }

    @Test
    void aLengthPrefixAloneCostsNoMoreThanTheFirstBodyArray() {
        Recorder r = new Recorder();
        FrameReader reader = new FrameReader(MAX, r);
        byte[] prefix = ByteBuffer.allocate(4).putInt(MAX).array();
        long before = usedHeap();
        FrameReader[] many = new FrameReader[200];
        for (int i = 0; i < many.length; i++) {
            many[i] = new FrameReader(MAX, r);
            many[i].feed(prefix, 0, 4);
        }
        // 200 announced bodies of 1 MiB would be 200 MiB; each holds only its first 16 KiB array.
        assertThat(usedHeap() - before).isLessThan(50L << 20);
        assertThat(many).doesNotContainNull();
        reader.feed(prefix, 0, 4);
        assertThat(r.events).isEmpty();
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void pausedFramesAreHeldAndHandedOnAtResumeInOrder() {
        List<String> seen = new ArrayList<>();
        FrameReader[] self = new FrameReader[1];
        FrameReader.Sink sink = new Recorder() {
            @Override
            public void frame(byte[] body) {
                seen.add("frame:" + body[0]);
                // The connection pauses after frame 2 (its pipeline is full), as ClientConnection does.
                if (body[0] == 2) self[0].pause();
            }
        };
        FrameReader reader = new FrameReader(MAX, sink);
        self[0] = reader;
        byte[] stream = concat(frame(new byte[]{1}), frame(new byte[]{2}), frame(new byte[]{3}), frame(new byte[]{4}));
        reader.feed(stream, 0, stream.length);
        assertThat(seen).containsExactly("frame:1", "frame:2");
        byte[] more = frame(new byte[]{5});
        reader.feed(more, 0, more.length);
        assertThat(seen).containsExactly("frame:1", "frame:2");
        reader.resume();
        assertThat(seen).containsExactly("frame:1", "frame:2", "frame:3", "frame:4", "frame:5");
    }

    @Test
    void nothingIsHandedOnOnceStopped() {
        Recorder r = new Recorder();
        FrameReader reader = new FrameReader(MAX, r);
        reader.pause();
        byte[] stream = concat(frame(new byte[]{1}), frame(new byte[]{2}));
        reader.feed(stream, 0, stream.length);
        reader.stop();
        reader.resume();
        reader.feed(stream, 0, stream.length);
        assertThat(r.events).isEmpty();
    }
}
