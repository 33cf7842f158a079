package dev.meerkat.core.api;

import java.util.List;

/** One access-control entry: permission bits granted to an identity. */
public record Acl(int perms, AuthId id) {
    public static final List<Acl> OPEN_ACL_UNSAFE = List.of(new Acl(Perms.ALL, AuthId.ANYONE));
}
