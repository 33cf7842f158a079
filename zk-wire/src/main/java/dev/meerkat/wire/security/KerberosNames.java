package dev.meerkat.wire.security;

import javax.security.auth.kerberos.KerberosPrincipal;

/**
 * ZooKeeper's rules for the identity a SASL client gets ({@code SaslServerCallbackHandler}): the
 * principal's short name by the DEFAULT rule (its first component when its realm is the default
 * realm), then {@code /host} unless {@code kerberos.removeHostFromPrincipal}, then {@code @REALM}
 * unless {@code kerberos.removeRealmFromPrincipal}. A name without host and realm (a DIGEST-MD5
 * user) is itself. A principal no rule applies to keeps its full name, as on ZooKeeper.
 *
 * @param removeHost  kerberos.removeHostFromPrincipal
 * @param removeRealm kerberos.removeRealmFromPrincipal
 */
public record KerberosNames(boolean removeHost, boolean removeRealm) {

    /** A principal split as ZooKeeper's KerberosName splits it: {@code service[/host][@REALM]}. */
    record Name(String service, String host, String realm) {
        static Name parse(String principal) {
            String rest = principal;
            String realm = null;
            int at = rest.indexOf('@');
            if (at >= 0) {
                realm = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            int slash = rest.indexOf('/');
            if (slash >= 0) return new Name(rest.substring(0, slash), rest.substring(slash + 1), realm);
            return new Name(rest, null, realm);
        }
    }

    /** The authorized id for an authenticated {@code principal}. */
    public String authorizedId(String principal) {
        Name n = Name.parse(principal);
        String shortName;
        if (n.host() == null && n.realm() == null) {
            shortName = n.service();
        } else if (n.realm() != null && n.realm().equals(defaultRealm())) {
            shortName = n.service();
        } else {
            return principal; // no rule applies: ZooKeeper logs an error and keeps the name as given
        }
        StringBuilder b = new StringBuilder(shortName);
        if (!removeHost && n.host() != null) b.append('/').append(n.host());
        if (!removeRealm && n.realm() != null) b.append('@').append(n.realm());
        return b.toString();
    }

    /** The default realm of this JVM's Kerberos configuration, or "" when there is none. */
    static String defaultRealm() {
        try {
            return new KerberosPrincipal("meerkat").getRealm();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
