package dev.meerkat.it.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/** What every ensemble harness asks its servers the way an operator does: four-letter words. */
final class ServerProbes {
    private ServerProbes() {
    }

    /**
     * A four-letter word to the server on {@code port}; "" when it refuses or closes without an answer.
     * {@code halfClose}: shut the sending side after the word, as {@code nc -q1} does; otherwise the
     * server answers and closes, and reading until then gets the whole answer.
     */
    static String fourLetterWord(int port, String word, boolean halfClose) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (halfClose) s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    /** The {@code Mode:} line of a srvr answer ("leader", "follower", ...), or "" when there is none. */
    static String mode(String srvr) {
        for (String line : srvr.split("\n")) {
            if (line.startsWith("Mode: ")) return line.substring(6).trim();
        }
        return "";
    }

    static boolean serves(String mode) {
        return mode.equals("leader") || mode.equals("follower") || mode.equals("observer");
    }

    /** The first of {@code ids} that says it leads, waiting up to {@code atMost} for one. */
    static int awaitLeader(String what, Duration atMost, Supplier<Collection<Integer>> ids, IntFunction<String> mode) {
        int[] found = {0};
        await(what).atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (int id : ids.get()) {
                if (mode.apply(id).equals("leader")) {
                    found[0] = id;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Waits until every one of {@code ids} serves clients. */
    static void awaitServing(String what, Duration atMost, Supplier<Collection<Integer>> ids, IntFunction<String> mode) {
        await(what).atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (int id : ids.get()) if (!serves(mode.apply(id))) return false;
            return true;
        });
    }
}
