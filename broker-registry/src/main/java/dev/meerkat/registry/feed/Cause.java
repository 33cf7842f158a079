package dev.meerkat.registry.feed;

/** Why the znodes of an entry changed: what a timeline needs to say why a broker went away. */
public sealed interface Cause {
    /** The session ended: on the client's request, or because the leader decided it expired. */
    record SessionClosed(long sessionId, boolean expired) implements Cause {
    }

    /** A client's write (create, delete, setData, multi) from this session. */
    record ClientWrite(long sessionId) implements Cause {
    }

    /** The server's own housekeeping (container or TTL reaping). */
    record Internal() implements Cause {
    }

    /** Not one entry: a fresh read of the whole tree, after start or after the feed overflowed. */
    record Resync() implements Cause {
    }
}
