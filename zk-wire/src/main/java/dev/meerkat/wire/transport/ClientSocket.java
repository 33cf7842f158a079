package dev.meerkat.wire.transport;

/**
 * One client's TCP connection as the transport gives it to the protocol: bytes in (to a
 * {@link SocketListener}), bytes out in order through a queue with a high-water mark, reading
 * paused and resumed for back-pressure. Every method runs on {@link #loop()}.
 */
public interface ClientSocket {
    EventLoop loop();

    /** The client's address as text ("unknown" when the transport cannot tell). */
    String remoteHost();

    int remotePort();

    /** Starts delivering to {@code listener}. Called once, before anything else but the addresses. */
    void start(SocketListener listener);

    /** Queues {@code bytes} (the socket owns the array from now on); nothing happens once closed. */
    void write(byte[] bytes);

    /** Bytes queued and not yet taken by the operating system. */
    long queuedBytes();

    /** When the client last took bytes (or the socket opened), in {@link System#nanoTime()} terms. */
    long lastProgressNanos();

    /** Whether the queue is above its high-water mark: stop writing until {@link SocketListener#drained()}. */
    boolean writeQueueFull();

    void pauseReading();

    void resumeReading();

    /** What is queued goes out, then the socket closes. */
    void closeAfterWrites();

    /** Closes now; what is queued is dropped. */
    void close();
}
