package dev.meerkat.server.config;

import dev.meerkat.core.tls.TlsSettings;
import dev.meerkat.wire.server.ConnectionLimits;

import java.util.Set;

/**
 * The security and hardening part of a configuration: TLS on the client port and between servers,
 * SASL and enforced authentication, the audit log, quotas, and the bounds on what clients can make
 * the server hold. Read from zoo.cfg by {@link SecurityParser}, with ZooKeeper's keys.
 *
 * @param secureClientPort        secureClientPort; -1 = none
 * @param secureClientPortAddress secureClientPortAddress, or null (clientPortAddress)
 * @param clientTls               ssl.*: the secure client port's keys, null without a secure port
 * @param sslQuorum               sslQuorum: TLS (with certificates checked both ways) between servers
 * @param quorumTls               ssl.quorum.*: the keys for it, null unless sslQuorum
 * @param saslSection             the JAAS section of the server's SASL login (zookeeper.sasl.serverconfig, default Server)
 * @param enforceAuth             enforce.auth.enabled (or sessionRequireClientSASLAuth)
 * @param enforceSchemes          enforce.auth.schemes (default sasl)
 * @param superUser               superUser: the SASL identity that is super
 * @param x509SuperUser           X509AuthenticationProvider.superUser
 * @param removeHostFromPrincipal kerberos.removeHostFromPrincipal
 * @param removeRealmFromPrincipal kerberos.removeRealmFromPrincipal
 * @param auditEnabled            audit.enable
 * @param enforceQuota            enforceQuota (zookeeper.enforceQuota)
 * @param limits                  maxCnxns, globalOutstandingLimit and Meerkat's meerkat.* bounds
 * @param maxWatchesPerSession    meerkat.maxWatchesPerSession
 * @param securePortOnly          no plain client port: zoo.cfg has secureClientPort and no clientPort
 */
public record SecurityConfig(int secureClientPort, String secureClientPortAddress, TlsSettings clientTls, boolean sslQuorum,
                             TlsSettings quorumTls, String saslSection, boolean enforceAuth, Set<String> enforceSchemes,
                             String superUser, String x509SuperUser, boolean removeHostFromPrincipal,
                             boolean removeRealmFromPrincipal, boolean auditEnabled, boolean enforceQuota,
                             ConnectionLimits limits, int maxWatchesPerSession, boolean securePortOnly) {

    public static SecurityConfig defaults() {
        return new SecurityConfig(-1, null, null, false, null, "Server", false, Set.of("sasl"), null, null,
                false, false, false, false, ConnectionLimits.defaults(), 1_000_000, false);
    }

    public SecurityConfig {
        enforceSchemes = Set.copyOf(enforceSchemes);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A mutable copy, for the parser and for tests that configure an embedded server. */
    public static final class Builder {
        public int secureClientPort;
        public String secureClientPortAddress;
        public TlsSettings clientTls;
        public boolean sslQuorum;
        public TlsSettings quorumTls;
        public String saslSection;
        public boolean enforceAuth;
        public Set<String> enforceSchemes;
        public String superUser;
        public String x509SuperUser;
        public boolean removeHostFromPrincipal;
        public boolean removeRealmFromPrincipal;
        public boolean auditEnabled;
        public boolean enforceQuota;
        public ConnectionLimits limits;
        public int maxWatchesPerSession;
        public boolean securePortOnly;

        Builder(SecurityConfig c) {
            secureClientPort = c.secureClientPort;
            secureClientPortAddress = c.secureClientPortAddress;
            clientTls = c.clientTls;
            sslQuorum = c.sslQuorum;
            quorumTls = c.quorumTls;
            saslSection = c.saslSection;
            enforceAuth = c.enforceAuth;
            enforceSchemes = c.enforceSchemes;
            superUser = c.superUser;
            x509SuperUser = c.x509SuperUser;
            removeHostFromPrincipal = c.removeHostFromPrincipal;
            removeRealmFromPrincipal = c.removeRealmFromPrincipal;
            auditEnabled = c.auditEnabled;
            enforceQuota = c.enforceQuota;
            limits = c.limits;
            maxWatchesPerSession = c.maxWatchesPerSession;
            securePortOnly = c.securePortOnly;
        }

        public SecurityConfig build() {
            return new SecurityConfig(secureClientPort, secureClientPortAddress, clientTls, sslQuorum, quorumTls, saslSection, enforceAuth,
                    enforceSchemes, superUser, x509SuperUser, removeHostFromPrincipal, removeRealmFromPrincipal, auditEnabled,
                    enforceQuota, limits, maxWatchesPerSession, securePortOnly);
        }
    }
}
