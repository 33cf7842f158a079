package dev.meerkat.wire.jute;

import java.io.IOException;

/**
 * A Jute body could not be decoded (truncated, negative or oversized length, unknown multi op...).
 *
 * <p>Checked, and an {@link IOException}, so that a connection handler cannot forget that any
 * client frame may be hostile. Decoders throw nothing else: no index, allocation or charset
 * errors escape from {@link JuteInput}. ZooKeeper answers a request whose header parsed but whose
 * body did not with error -5 (marshalling error); a bad ConnectRequest closes the connection.
 */
public final class JuteException extends IOException {
    private static final long serialVersionUID = 1L;

    public JuteException(String message) {
        super(message);
    }
}
