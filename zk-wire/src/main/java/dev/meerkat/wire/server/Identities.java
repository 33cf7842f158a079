package dev.meerkat.wire.server;

import dev.meerkat.core.acl.DigestAuth;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.wire.proto.ClientInfo;
import dev.meerkat.wire.proto.WhoAmIResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a connection is, for ACL checks: its address, plus the identities added with the auth
 * request. The list is replaced, never mutated, so a request keeps the identities it arrived with.
 */
final class Identities {
    private List<AuthId> ids;
    private final String superDigest;

    Identities(String remoteAddress, String superDigest) {
        this.ids = List.of(new AuthId("ip", remoteAddress));
        this.superDigest = superDigest;
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
            List<AuthId> next = new ArrayList<>(ids);
            AuthId id = new AuthId("digest", identity);
            if (!next.contains(id)) next.add(id);
            if (identity.equals(superDigest) && !next.contains(AuthId.SUPER)) next.add(AuthId.SUPER);
            ids = List.copyOf(next);
            return true;
        }
        return scheme.equals("ip");
    }

    WhoAmIResponse whoAmI() {
        List<ClientInfo> infos = new ArrayList<>();
        for (AuthId id : ids) {
            String user = switch (id.scheme()) {
                case "digest" -> DigestAuth.user(id.id());
                case "ip" -> id.id();
                default -> null;
            };
            infos.add(new ClientInfo(id.scheme(), user));
        }
        return new WhoAmIResponse(infos);
    }
}
