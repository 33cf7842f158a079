package dev.meerkat.core.stats;

import java.util.Locale;

/** A server's role as ZooKeeper reports it (srvr "Mode:", mntr zk_server_state). */
public enum ServerMode {
    STANDALONE, LEADER, FOLLOWER, OBSERVER, LOOKING,
    /** Cut off from the quorum, serving reads to clients that accept it (readonlymode.enabled). */
    READ_ONLY;

    /** The word ZooKeeper prints: "standalone", "leader", ..., "read-only". */
    public String word() {
        return this == READ_ONLY ? "read-only" : name().toLowerCase(Locale.ROOT);
    }
}
