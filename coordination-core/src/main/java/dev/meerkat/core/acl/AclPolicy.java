package dev.meerkat.core.acl;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.KeeperError;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * ZooKeeper's access rules: which identities pass a node's ACL, and how an ACL a client sends is
 * checked and resolved before it is stored. Pure functions, run at apply, so every replica agrees.
 */
public final class AclPolicy {

    private AclPolicy() {
    }

    /**
     * Passes when any entry grants one of {@code perm}'s bits to one of {@code ids}; an empty ACL
     * and a super identity pass everything.
     */
    public static void check(List<Acl> acl, int perm, List<AuthId> ids) throws KeeperError {
        if (!permits(acl, perm, ids)) throw new KeeperError(ErrorCode.NO_AUTH);
    }

    public static boolean permits(List<Acl> acl, int perm, List<AuthId> ids) {
        if (acl == null || acl.isEmpty()) return true;
        for (AuthId id : ids) {
            if (id.scheme().equals(AuthId.SUPER.scheme())) return true;
        }
        for (Acl a : acl) {
            if ((a.perms() & perm) == 0) continue;
            AuthId granted = a.id();
            if (granted.equals(AuthId.ANYONE)) return true;
            for (AuthId id : ids) {
                if (!id.scheme().equals(granted.scheme())) continue;
                if (matches(granted.scheme(), id.id(), granted.id())) return true;
            }
        }
        return false;
    }

    private static boolean matches(String scheme, String presented, String granted) {
        return switch (scheme) {
            case "digest", "x509" -> presented.equals(granted);
            // ZooKeeper's SASL provider: the identity itself, and a SASL identity named "super" matches every sasl entry.
            case "sasl" -> presented.equals(granted) || presented.equals("super");
            case "ip" -> IpAddressMatcher.matches(granted, presented);
            default -> false;
        };
    }

    /**
     * Validates an ACL from a client and resolves the {@code auth} scheme to the caller's
     * authenticated identities (CREATOR_ALL). Duplicates are dropped, as ZooKeeper does.
     */
    public static List<Acl> resolve(List<Acl> requested, List<AuthId> ids) throws KeeperError {
        if (requested == null || requested.isEmpty()) throw new KeeperError(ErrorCode.INVALID_ACL);
        if (requested.size() == 1 && requested.get(0) != null && AuthId.ANYONE.equals(requested.get(0).id())) {
            // The ACL nearly every create carries (OPEN_ACL_UNSAFE): nothing to resolve or deduplicate,
            // and the shared constant itself, which the tree's ACL table finds by identity.
            Acl only = requested.get(0);
            return only.equals(Acl.OPEN_ACL_UNSAFE.get(0)) ? Acl.OPEN_ACL_UNSAFE : List.of(only);
        }
        List<Acl> resolved = new ArrayList<>();
        for (Acl a : new LinkedHashSet<>(requested)) {
            if (a == null || a.id() == null) throw new KeeperError(ErrorCode.INVALID_ACL);
            AuthId id = a.id();
            if (id.equals(AuthId.ANYONE)) {
                resolved.add(a);
            } else if (id.scheme().equals("auth")) {
                boolean any = false;
                for (AuthId mine : ids) {
                    // Only identities something proved count as "authenticated" (not an address, not super).
                    if (isAuthenticated(mine.scheme())) {
                        resolved.add(new Acl(a.perms(), mine));
                        any = true;
                    }
                }
                if (!any) throw new KeeperError(ErrorCode.INVALID_ACL);
            } else if (isValid(id)) {
                resolved.add(a);
            } else {
                throw new KeeperError(ErrorCode.INVALID_ACL);
            }
        }
        return List.copyOf(resolved);
    }

    /** As ZooKeeper's providers' isAuthenticated: a password (digest), a SASL exchange or a certificate. */
    private static boolean isAuthenticated(String scheme) {
        return scheme.equals("digest") || scheme.equals("sasl") || scheme.equals("x509");
    }

    private static boolean isValid(AuthId id) {
        return switch (id.scheme()) {
            case "digest" -> id.id().split(":").length == 2;
            case "ip" -> IpAddressMatcher.isValid(id.id());
            // ZooKeeper's SASL provider takes a valid Kerberos name: name, name@REALM or name/host@REALM.
            case "sasl" -> id.id().indexOf('@') < 0 ? id.id().matches("[^/@]+(/[^/@]*)?") : id.id().matches("[^/@]*(/[^/@]*)?@[^/@]*");
            case "x509" -> true;
            default -> false;
        };
    }

    /** For getACL without ADMIN: digest hashes are hidden ({@code user:x}), as ZooKeeper 3.9 does. */
    public static List<Acl> redacted(List<Acl> acl) {
        List<Acl> out = new ArrayList<>(acl.size());
        for (Acl a : acl) {
            if (!a.id().scheme().equals("digest")) {
                out.add(a);
                continue;
            }
            String id = a.id().id();
            int colon = id.indexOf(':');
            out.add(new Acl(a.perms(), new AuthId("digest", (colon < 0 ? id : id.substring(0, colon)) + ":x")));
        }
        return out;
    }
}
