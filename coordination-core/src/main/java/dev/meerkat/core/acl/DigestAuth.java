package dev.meerkat.core.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The digest scheme: a client presents {@code user:password}; the identity is {@code user:base64(sha1(user:password))}. */
public final class DigestAuth {

    private DigestAuth() {
    }

    public static String identity(String userColonPassword) {
        String user = userColonPassword.split(":", 2)[0];
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA1").digest(userColonPassword.getBytes(StandardCharsets.UTF_8));
            return user + ":" + Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1 is part of every JDK", e);
        }
    }

    /** The user part of a digest identity, as whoAmI reports it. */
    public static String user(String identity) {
        int colon = identity.indexOf(':');
        return colon < 0 ? identity : identity.substring(0, colon);
    }
}
