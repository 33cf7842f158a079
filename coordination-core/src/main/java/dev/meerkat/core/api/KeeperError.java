package dev.meerkat.core.api;

/**
 * A request failed with a ZooKeeper error code. Thrown inside apply and read evaluation and turned
 * into an error result at their boundary; it never crosses a thread.
 */
public final class KeeperError extends Exception {
    private final ErrorCode code;
    /** What went wrong beyond the code, or null; joined to the code only when someone reads the message. */
    private final String detail;

    public KeeperError(ErrorCode code) {
        this(code, null);
    }

    public KeeperError(ErrorCode code, String detail) {
        // No message, cause, suppression or stack: a NodeExists in a multi is routine, and building
        // its text for a result that only carries the code was most of what it cost.
        super(null, null, false, false);
        this.code = code;
        this.detail = detail;
    }

    @Override
    public String getMessage() {
        return detail == null ? code.name() : code.name() + ": " + detail;
    }

    public ErrorCode code() {
        return code;
    }
}
