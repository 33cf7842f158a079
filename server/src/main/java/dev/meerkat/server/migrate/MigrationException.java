package dev.meerkat.server.migrate;

/** A migration that cannot go ahead, with the sentence to show the operator and the exit code. */
public final class MigrationException extends Exception {
    /** Exit codes of the import and export commands. */
    public static final int BAD_INPUT = 1;
    public static final int TARGET_NOT_EMPTY = 3;
    public static final int TARGET_IN_USE = 4;

    private final int exitCode;

    public MigrationException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public MigrationException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
