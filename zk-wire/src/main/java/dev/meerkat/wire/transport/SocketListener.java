package dev.meerkat.wire.transport;

/** What a {@link ClientSocket} reports, always on its event loop. */
public interface SocketListener {
    /** Bytes from the client; {@code bytes} is the transport's and reused once this returns. */
    void received(byte[] bytes, int offset, int length);

    /** The client shut its sending side (it may still read); nothing more will be received. */
    void inputEnded();

    /** The write queue was full and is no longer: writing may go on. */
    void drained();

    /** Queued bytes went out to the client (the queue held {@code queuedBeforeBytes} before). */
    void wrote(long queuedBeforeBytes);

    /** The socket is closed, by either side; called once, after the last of the calls above. */
    void closed();
}
