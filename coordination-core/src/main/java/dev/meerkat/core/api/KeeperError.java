package dev.meerkat.core.api;

/**
 * A request failed with a ZooKeeper error code. Thrown inside apply and read evaluation and turned
 * into an error result at their boundary; it never crosses a thread.
 */
public final class KeeperError extends Exception {
    private final ErrorCode code;

    public KeeperError(ErrorCode code) {
        super(code.name(), null, false, false);
        this.code = code;
    }

    public KeeperError(ErrorCode code, String message) {
        super(code.name() + ": " + message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
