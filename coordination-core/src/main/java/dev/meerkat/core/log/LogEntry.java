package dev.meerkat.core.log;

import java.util.Arrays;

/**
 * One entry of the replicated log. The index is also the zxid ZooKeeper clients see, so it is
 * never reset and never reused for a different entry once committed.
 *
 * @param index position in the log, starting at 1
 * @param term  Raft term of the leader that created the entry
 * @param kind  what the payload is, so Raft and the state machine can tell configuration and
 *              no-op entries from client commands without decoding them
 * @param data  the payload (an encoded command for {@link EntryKind#COMMAND}); never null
 */
public record LogEntry(long index, long term, EntryKind kind, byte[] data) {

    public LogEntry {
        if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
        if (term < 0) throw new IllegalArgumentException("term must be >= 0: " + term);
        if (kind == null || data == null) throw new NullPointerException("kind and data are required");
    }

    /** Bytes this entry occupies for flow-control purposes (payload plus a fixed header). */
    public int sizeInBytes() {
        return data.length + 24;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && e.index == index && e.term == term && e.kind == kind
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term);
    }

    @Override
    public String toString() {
        return "LogEntry{" + index + "@" + term + " " + kind + " " + data.length + "B}";
    }
}
