package dev.meerkat.core.log;

/** What a log entry carries. The byte code is what the durable log stores. */
public enum EntryKind {
    /** An encoded state-machine command (a client write, a session event, a reaping decision). */
    COMMAND(0),
    /** The empty entry a new Raft leader appends to commit entries of earlier terms. */
    NOOP(1),
    /** A Raft membership change. */
    CONFIG(2);

    private final byte code;

    EntryKind(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    public static EntryKind ofCode(byte code) {
        return switch (code) {
            case 0 -> COMMAND;
            case 1 -> NOOP;
            case 2 -> CONFIG;
            default -> throw new IllegalArgumentException("unknown entry kind " + code);
        };
    }
}
