package dev.meerkat.wire.security;

import dev.meerkat.core.tls.TlsSettings;

import java.util.Set;

/**
 * How the client port authenticates and authorises, with ZooKeeper's settings.
 *
 * @param secureHost     secureClientPortAddress (null: clientPortAddress)
 * @param securePort     secureClientPort; -1 = no TLS port, 0 = a free one
 * @param tls            the TLS keys and options (ssl.*), null without a secure port
 * @param sasl           the SASL mechanisms of the JAAS {@code Server} section, null when SASL is not configured
 * @param enforceAuth    enforce.auth.enabled (or sessionRequireClientSASLAuth): unauthenticated sessions are refused
 * @param enforceSchemes enforce.auth.schemes: which identities count as authenticated
 * @param superUser      superUser: the SASL identity that is super
 * @param x509SuperUser  X509AuthenticationProvider.superUser: the certificate subject that is super
 * @param audit          audit.enable: one audit line per write and auth event
 */
public record WireSecurity(String secureHost, int securePort, TlsSettings tls, SaslAuthenticator sasl, boolean enforceAuth,
                           Set<String> enforceSchemes, String superUser, String x509SuperUser, boolean audit) {

    public static WireSecurity none() {
        return new WireSecurity(null, -1, null, null, false, Set.of("sasl"), null, null, false);
    }

    public WireSecurity {
        enforceSchemes = Set.copyOf(enforceSchemes);
        if (securePort >= 0 && tls == null) throw new IllegalArgumentException("a secure client port needs ssl.keyStore settings");
    }

    public boolean hasSecurePort() {
        return securePort >= 0;
    }
}
