package dev.meerkat.core.api;

/** An identity: a scheme and an id in it, e.g. {@code digest:alice:hash} or {@code ip:127.0.0.1}. */
public record AuthId(String scheme, String id) {
    public static final AuthId ANYONE = new AuthId("world", "anyone");
    /** Identity of a connection that authenticated with the super digest: it passes every ACL check. */
    public static final AuthId SUPER = new AuthId("super", "");

    public AuthId {
        if (scheme == null || id == null) throw new NullPointerException("scheme and id are required");
    }
}
