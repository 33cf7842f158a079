package dev.meerkat.core.cluster;

/** What the transport tells its server. Called on transport threads (event loops): never block. */
public interface PeerListener {

    /**
     * A message from {@code from}. Returns false when the server cannot take it now (its inbox is
     * full): the transport stops reading that link and offers the same message again shortly.
     */
    boolean onMessage(long from, PeerMessage message);

    /** Connecting to {@code peer} was refused or reset: its process is most likely gone. */
    void onUnreachable(long peer);

    /** An established link to {@code peer} broke: messages sent on it may have been lost. */
    void onLinkReset(long peer);

    /**
     * {@code peer} (or this server, as it sees it) is configured with a different ensemble: its
     * quorum shape is {@code theirShape}. The link is refused.
     */
    void onConfigMismatch(long peer, String theirShape);
}
