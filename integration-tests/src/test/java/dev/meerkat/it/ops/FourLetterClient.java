package dev.meerkat.it.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Asks a four-letter word over a plain socket, as nc and ZooKeeper's FourLetterWordMain do. */
final class FourLetterClient {
    private FourLetterClient() {
    }

    /**
     * Sends {@code word} (and for stmk the 8-byte mask 256); with {@code halfClose} shuts the sending side
     * right after, as {@code nc -q1} does; reads until the server closes.
     */
    static String ask(int port, String word, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            // One write: ZooKeeper reads stmk's mask with a single read right after the word.
            ByteBuffer request = ByteBuffer.allocate(12).put(word.getBytes(StandardCharsets.US_ASCII));
            if (word.equals("stmk")) request.putLong(256);
            out.write(request.array(), 0, request.position());
            out.flush();
            if (halfClose) s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
