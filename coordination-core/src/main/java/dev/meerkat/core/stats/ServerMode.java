package dev.meerkat.core.stats;

import java.util.Locale;

/** A server's role as ZooKeeper reports it (srvr "Mode:", mntr zk_server_state). */
public enum ServerMode {
    STANDALONE, LEADER, FOLLOWER, OBSERVER, LOOKING;

    /** The word ZooKeeper prints: "standalone", "leader", ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
