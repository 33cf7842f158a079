package dev.meerkat.wire.server;

import dev.meerkat.core.acl.DigestAuth;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.wire.proto.ClientInfo;
import dev.meerkat.wire.proto.WhoAmIResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who a connection is, for ACL checks: its address, plus the identities it proved: with the auth
 * request (digest), with SASL, or with its TLS certificate (x509). The list is replaced, never
 * mutated, so a request keeps the identities it arrived with.
 */
final class Identities {
    private List<AuthId> ids;
    private final String superDigest;
    private final String saslSuperUser;
    private final String x509SuperUser;

    Identities(String remoteAddress, String superDigest, String saslSuperUser, String x509SuperUser) {
        this.ids = List.of(new AuthId("ip", remoteAddress));
        this.superDigest = superDigest;
        this.saslSuperUser = saslSuperUser;
        this.x509SuperUser = x509SuperUser;
    }

    List<AuthId> current() {
        return ids;
    }

    /**
     * Handles an auth packet; false when the scheme is not one this server knows (the client is
     * told AuthFailed and the connection closes, as on ZooKeeper).
     */
    boolean authenticate(String scheme, byte[] auth) {
        if (scheme.equals("digest") && auth != null) {
            String identity = DigestAuth.identity(new String(auth, StandardCharsets.UTF_8));
            add(new AuthId("digest", identity), identity.equals(superDigest));
            return true;
        }
        return scheme.equals("ip");
    }

    /** A SASL exchange completed with {@code authorizedId} (superUser makes it super too). */
    void saslAuthenticated(String authorizedId) {
        add(new AuthId("sasl", authorizedId), authorizedId.equals(saslSuperUser));
    }

    /** The TLS handshake proved the client holds the certificate of {@code subject}. */
    void x509Authenticated(String subject) {
        add(new AuthId("x509", subject), subject.equals(x509SuperUser));
    }

    private void add(AuthId id, boolean superUser) {
        List<AuthId> next = new ArrayList<>(ids);
        if (!next.contains(id)) next.add(id);
        if (superUser && !next.contains(AuthId.SUPER)) next.add(AuthId.SUPER);
        ids = List.copyOf(next);
    }

    /** Whether one of the identities is of a scheme in {@code schemes} (enforce.auth.schemes). */
    boolean authenticatedWith(Set<String> schemes) {
        for (AuthId id : ids) if (schemes.contains(id.scheme())) return true;
        return false;
    }

    WhoAmIResponse whoAmI() {
        List<ClientInfo> infos = new ArrayList<>();
        for (AuthId id : ids) infos.add(new ClientInfo(id.scheme(), userName(id)));
        return new WhoAmIResponse(infos);
    }

    /** The user name ZooKeeper's providers report for an identity (whoAmI, the audit log). */
    static String userName(AuthId id) {
        return switch (id.scheme()) {
            case "digest" -> DigestAuth.user(id.id());
            case "ip", "sasl", "x509", "super" -> id.id();
            default -> null;
        };
    }
}
