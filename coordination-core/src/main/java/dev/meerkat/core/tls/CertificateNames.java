package dev.meerkat.core.tls;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a certificate names a host, as ZooKeeper's trust manager checks a peer's certificate
 * against the peer's address: an IP address must appear as an IP subject alternative name; a host
 * name as a DNS one (a leading {@code *.} wildcard covers one label), or as the CN when the
 * certificate has no DNS names at all.
 */
public final class CertificateNames {
    private static final int DNS = 2;
    private static final int IP = 7;

    private CertificateNames() {
    }

    public static boolean matchesAddress(X509Certificate cert, InetAddress address) {
        for (List<?> san : subjectAlternativeNames(cert)) {
            if (((Integer) san.get(0)) == IP) {
                try {
                    if (InetAddress.getByName((String) san.get(1)).equals(address)) return true;
                } catch (java.net.UnknownHostException e) {
                    // not an address: no match
                }
            }
        }
        return false;
    }

    public static boolean matchesHost(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        boolean anyDns = false;
        for (List<?> san : subjectAlternativeNames(cert)) {
            if (((Integer) san.get(0)) != DNS) continue;
            anyDns = true;
            if (dnsMatches(((String) san.get(1)).toLowerCase(Locale.ROOT), h)) return true;
        }
        if (anyDns) return false;
        String cn = commonName(cert);
        return cn != null && dnsMatches(cn.toLowerCase(Locale.ROOT), h);
    }

    private static boolean dnsMatches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    private static java.util.Collection<List<?>> subjectAlternativeNames(X509Certificate cert) {
        try {
            java.util.Collection<List<?>> names = cert.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) return rdn.getValue().toString();
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
