package dev.meerkat.core.storage;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lock-free buffered streams give exactly the bytes the JDK's buffered streams give, in any mix of write and read sizes. */
class UnsyncBufferedStreamsTest {

    @Test
    void writesTheSameBytesAsTheJdksStreamForEveryMixOfSmallAndLargeWrites() throws IOException {
        Random random = new Random(7);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new UnsyncBufferedOutputStream(sink, 64))) {
            for (int i = 0; i < 5_000; i++) {
                switch (random.nextInt(4)) {
                    case 0 -> {
                        int v = random.nextInt();
                        out.writeInt(v);
                        new DataOutputStream(expected).writeInt(v);
                    }
                    case 1 -> {
                        long v = random.nextLong();
                        out.writeLong(v);
                        new DataOutputStream(expected).writeLong(v);
                    }
                    default -> {
                        // Around the buffer's size: shorter, exactly it and longer.
                        byte[] b = new byte[random.nextInt(200)];
                        random.nextBytes(b);
                        int off = b.length == 0 ? 0 : random.nextInt(b.length);
                        out.write(b, off, b.length - off);
                        expected.write(b, off, b.length - off);
                    }
                }
            }
        }
        assertThat(sink.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Test
    void holdsWritesUntilItsBufferFillsOrItIsFlushed() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        UnsyncBufferedOutputStream out = new UnsyncBufferedOutputStream(sink, 8);
        out.write(new byte[]{1, 2, 3});
        assertThat(sink.size()).isZero();
        out.write(new byte[]{4, 5, 6, 7, 8, 9});
        assertThat(sink.toByteArray()).as("the first three went when the next six did not fit").containsExactly(1, 2, 3);
        out.flush();
        assertThat(sink.toByteArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void readsBackWhatWasWrittenWhateverTheUnderlyingStreamHandsOutPerRead() throws IOException {
        Random random = new Random(11);
        byte[] content = new byte[100_000];
        random.nextBytes(content);
        // An underlying stream that returns at most 37 bytes per read, as a pipe or a socket may.
        InputStream trickle = new ByteArrayInputStream(content) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 37));
            }
        };
        DataInputStream in = new DataInputStream(new UnsyncBufferedInputStream(trickle, 256));
        DataInputStream reference = new DataInputStream(new ByteArrayInputStream(content));
        int consumed = 0;
        while (consumed + 600 < content.length) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    assertThat(in.readInt()).isEqualTo(reference.readInt());
                    consumed += 4;
                }
                case 1 -> {
                    assertThat(in.readLong()).isEqualTo(reference.readLong());
                    consumed += 8;
                }
                case 2 -> {
                    assertThat(in.read()).isEqualTo(reference.read());
                    consumed += 1;
                }
                default -> {
                    byte[] a = new byte[random.nextInt(600)];
                    byte[] b = new byte[a.length];
                    in.readFully(a);
                    reference.readFully(b);
                    assertThat(a).isEqualTo(b);
                    consumed += a.length;
                }
            }
        }
        in.readFully(new byte[content.length - consumed]);
        assertThat(in.read()).isEqualTo(-1);
        assertThatThrownBy(in::readInt).isInstanceOf(EOFException.class);
    }
}
