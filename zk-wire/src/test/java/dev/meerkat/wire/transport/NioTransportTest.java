package dev.meerkat.wire.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The plain client port's transport over real loopback sockets. */
class NioTransportTest {
    private NioClientPort port;

    @AfterEach
    void close() throws Exception {
        if (port != null) port.close().get(10, TimeUnit.SECONDS);
    }

    /** Records what a socket reports; the test drives the socket on its loop. */
    private static final class Recorder implements SocketListener {
        final ClientSocket socket;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        /** The queued bytes each wrote() callback reported (kept apart: the other tests read events in order). */
        final BlockingQueue<Long> wrote = new LinkedBlockingQueue<>();

        Recorder(ClientSocket socket) {
            this.socket = socket;
        }

        @Override
        public void received(byte[] bytes, int offset, int length) {
            synchronized (received) {
                received.write(bytes, offset, length);
            }
            events.add("received");
        }

        @Override
        public void inputEnded() {
            events.add("inputEnded");
        }

        @Override
        public void drained() {
            if (insideWrite) calledBackInsideWrite = true;
            events.add("drained");
        }

        /** Set while test code runs on the loop: a callback then is one made from inside a write. */
        volatile boolean insideWrite;
        volatile boolean calledBackInsideWrite;

        @Override
        public void wrote(long queuedBeforeBytes) {
            if (insideWrite) calledBackInsideWrite = true;
            wrote.add(queuedBeforeBytes);
        }

        @Override
        public void closed() {
            events.add("closed");
        }

        String text() {
            synchronized (received) {
                return received.toString(java.nio.charset.StandardCharsets.US_ASCII);
            }
        }

        /** Runs {@code work} on the socket's loop and waits for it. */
        <T> T onLoop(java.util.function.Supplier<T> work) throws Exception {
            CompletableFuture<T> f = new CompletableFuture<>();
            socket.loop().execute(() -> f.complete(work.get()));
            return f.get(10, TimeUnit.SECONDS);
        }
    }

    private BlockingQueue<Recorder> listen(int loops) throws Exception {
        BlockingQueue<Recorder> accepted = new LinkedBlockingQueue<>();
        port = NioClientPort.open("127.0.0.1", 0, loops, "test-client", socket -> {
            Recorder r = new Recorder(socket);
            socket.start(r);
            accepted.add(r);
        }).get(10, TimeUnit.SECONDS);
        assertThat(port.port()).isPositive();
        return accepted;
    }

    @Test
    void bytesGoBothWaysAndConnectionsSpreadOverTheLoops() throws Exception {
        BlockingQueue<Recorder> accepted = listen(2);
        List<Socket> clients = new ArrayList<>();
        List<Recorder> servers = new ArrayList<>();
        List<Thread> loopThreads = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            Socket c = new Socket("127.0.0.1", port.port());
            clients.add(c);
            Recorder r = accepted.poll(10, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            servers.add(r);
            r.onLoop(() -> loopThreads.add(Thread.currentThread()));
            assertThat(r.socket.remoteHost()).isEqualTo("127.0.0.1");
            assertThat(r.socket.remotePort()).isEqualTo(c.getLocalPort());
        }
        assertThat(loopThreads.stream().distinct().count()).isEqualTo(2);
        for (int i = 0; i < 4; i++) {
            clients.get(i).getOutputStream().write(("hello " + i).getBytes());
            Recorder r = servers.get(i);
            String expected = "hello " + i;
            await().atMost(10, TimeUnit.SECONDS).until(() -> r.text().equals(expected));
            r.onLoop(() -> {
                r.socket.write(("back " + expected).getBytes());
                return null;
            });
            byte[] answer = clients.get(i).getInputStream().readNBytes(("back " + expected).length());
            assertThat(new String(answer)).isEqualTo("back " + expected);
        }
        for (Socket c : clients) c.close();
    }

    @Test
    void aClientThatDoesNotReadFillsTheQueueWhichDrainsWhenItReads() throws Exception {
        BlockingQueue<Recorder> accepted = listen(1);
        try (Socket c = new Socket("127.0.0.1", port.port())) {
            Recorder r = accepted.poll(10, TimeUnit.SECONDS);
            byte[] chunk = new byte[64 << 10];
            // Write until the kernel's buffers are full and the socket's own queue passes its high-water mark.
            int written = 0;
            boolean full = false;
            for (int i = 0; i < 200 && !full; i++) {
                full = r.onLoop(() -> {
                    r.socket.write(chunk.clone());
                    return r.socket.writeQueueFull();
                });
                written += chunk.length;
            }
            assertThat(full).as("the write queue is full once the client stops reading").isTrue();
            long queued = r.onLoop(r.socket::queuedBytes);
            assertThat(queued).isGreaterThanOrEqualTo(NioSocket.HIGH_WATER_BYTES);
            assertThat(r.events).doesNotContain("drained");
            InputStream in = c.getInputStream();
            byte[] all = in.readNBytes(written);
            assertThat(all).hasSize(written);
            assertThat(r.events.poll(10, TimeUnit.SECONDS)).isEqualTo("drained");
            assertThat(r.onLoop(r.socket::queuedBytes)).isZero();
            assertThat(r.onLoop(r.socket::writeQueueFull)).isFalse();
        }
    }

    @Test
    void smallWritesOfOneTurnLeaveTogetherAndABigOneNeverCallsBackFromInsideTheWrite() throws Exception {
        BlockingQueue<Recorder> accepted = listen(1);
        try (Socket c = new Socket("127.0.0.1", port.port())) {
            Recorder r = accepted.poll(10, TimeUnit.SECONDS);
            // 100 small writes in one task: queued until the end of the turn, then in order in one go.
            long queuedInTurn = r.onLoop(() -> {
                for (int i = 0; i < 100; i++) r.socket.write(String.format("%03d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                return r.socket.queuedBytes();
            });
            assertThat(queuedInTurn).isEqualTo(300);
            byte[] all = c.getInputStream().readNBytes(300);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 100; i++) expected.append(String.format("%03d", i));
            assertThat(new String(all, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
            assertThat(r.wrote.poll(10, TimeUnit.SECONDS)).as("one callback for the turn's writes, from all 300 bytes").isEqualTo(300L);
            assertThat(r.wrote).isEmpty();
            // A write above the flush-now size goes to the kernel at once; the listener hears after.
            long left = r.onLoop(() -> {
                r.insideWrite = true;
                try {
                    r.socket.write(new byte[NioSocket.FLUSH_NOW_BYTES * 2]);
                    return r.socket.queuedBytes();
                } finally {
                    r.insideWrite = false;
                }
            });
            assertThat(c.getInputStream().readNBytes(NioSocket.FLUSH_NOW_BYTES * 2)).hasSize(NioSocket.FLUSH_NOW_BYTES * 2);
            assertThat(r.wrote.poll(10, TimeUnit.SECONDS)).isEqualTo((long) NioSocket.FLUSH_NOW_BYTES * 2);
            assertThat(r.calledBackInsideWrite).as("a listener callback from inside write (left queued: %d)", left).isFalse();
            assertThat(r.onLoop(r.socket::queuedBytes)).isZero();
        }
    }

    @Test
    void closeAfterWritesSendsEverythingThenEndsTheStream() throws Exception {
        BlockingQueue<Recorder> accepted = listen(1);
        try (Socket c = new Socket("127.0.0.1", port.port())) {
            Recorder r = accepted.poll(10, TimeUnit.SECONDS);
            byte[] big = new byte[3 << 20];
            for (int i = 0; i < big.length; i++) big[i] = (byte) i;
            r.onLoop(() -> {
                r.socket.write(big);
                r.socket.closeAfterWrites();
                // Nothing is queued once the socket is closing.
                r.socket.write(new byte[]{1, 2, 3});
                return null;
            });
            byte[] got = c.getInputStream().readAllBytes();
            assertThat(got).isEqualTo(big);
            assertThat(r.events.poll(10, TimeUnit.SECONDS)).isEqualTo("closed");
        }
    }

    @Test
    void aHalfCloseIsReportedAndTheAnswerStillGoesOut() throws Exception {
        BlockingQueue<Recorder> accepted = listen(1);
        try (Socket c = new Socket("127.0.0.1", port.port())) {
            Recorder r = accepted.poll(10, TimeUnit.SECONDS);
            OutputStream out = c.getOutputStream();
            out.write("ruok".getBytes());
            c.shutdownOutput();
            assertThat(r.events.poll(10, TimeUnit.SECONDS)).isEqualTo("received");
            assertThat(r.events.poll(10, TimeUnit.SECONDS)).isEqualTo("inputEnded");
            r.onLoop(() -> {
                r.socket.write("imok".getBytes());
                r.socket.closeAfterWrites();
                return null;
            });
            assertThat(new String(c.getInputStream().readAllBytes())).isEqualTo("imok");
            assertThat(r.events.poll(10, TimeUnit.SECONDS)).isEqualTo("closed");
        }
    }

    @Test
    void pausedSocketsAreNotReadUntilResumed() throws Exception {
        BlockingQueue<Recorder> accepted = listen(1);
        try (Socket c = new Socket("127.0.0.1", port.port())) {
            Recorder r = accepted.poll(10, TimeUnit.SECONDS);
            r.onLoop(() -> {
                r.socket.pauseReading();
                return null;
            });
            c.getOutputStream().write("held".getBytes());
            // Nothing is read while paused (absence is all this can show).
            assertThat(r.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
            r.onLoop(() -> {
                r.socket.resumeReading();
                return null;
            });
            assertThat(r.events.poll(10, TimeUnit.SECONDS)).isEqualTo("received");
            assertThat(r.text()).isEqualTo("held");
        }
    }

    @Test
    void aPeerThatGoesAwayIsReportedClosedOnce() throws Exception {
        BlockingQueue<Recorder> accepted = listen(1);
        Socket c = new Socket("127.0.0.1", port.port());
        Recorder r = accepted.poll(10, TimeUnit.SECONDS);
        c.setSoLinger(true, 0); // an abortive close: the server sees a reset
        c.close();
        String first = r.events.poll(10, TimeUnit.SECONDS);
        if ("inputEnded".equals(first)) {
            r.onLoop(() -> {
                r.socket.close();
                return null;
            });
            first = r.events.poll(10, TimeUnit.SECONDS);
        }
        assertThat(first).isEqualTo("closed");
        r.onLoop(() -> {
            r.socket.close();
            r.socket.write(new byte[]{1});
            return null;
        });
        assertThat(r.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void timersRunInDeadlineOrderAndCancelledOnesNever() throws Exception {
        NioLoop loop = new NioLoop("test-timers");
        try {
            List<String> ran = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            loop.execute(() -> {
                loop.setTimer(30, () -> ran.add("30"));
                long cancelled = loop.setTimer(10, () -> ran.add("cancelled"));
                loop.setTimer(5, () -> ran.add("5"));
                loop.setTimer(0, () -> ran.add("0"));
                loop.cancelTimer(cancelled);
                loop.cancelTimer(12345); // unknown: ignored
                loop.setTimer(60, done::countDown);
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).containsExactly("0", "5", "30");
        } finally {
            loop.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tasksFromManyThreadsAllRunOnTheLoopAndTimersRefuseOtherThreads() throws Exception {
        NioLoop loop = new NioLoop("test-tasks");
        try {
            AtomicInteger count = new AtomicInteger();
            List<Thread> producers = new ArrayList<>();
            CountDownLatch all = new CountDownLatch(4 * 10_000);
            for (int t = 0; t < 4; t++) {
                Thread p = new Thread(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        loop.execute(() -> {
                            if (loop.inLoop()) count.incrementAndGet();
                            all.countDown();
                        });
                    }
                });
                producers.add(p);
                p.start();
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(count.get()).isEqualTo(40_000);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> loop.setTimer(1, () -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not on its loop");
        } finally {
            loop.stop().get(10, TimeUnit.SECONDS);
        }
    }
}
