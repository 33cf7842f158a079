package dev.meerkat.server.config;

import dev.meerkat.core.tls.TlsSettings;
import dev.meerkat.wire.server.ConnectionLimits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the security and hardening keys of a zoo.cfg, with ZooKeeper's names: {@code secureClientPort},
 * {@code ssl.*}, {@code sslQuorum} and {@code ssl.quorum.*}, {@code authProvider.N},
 * {@code enforce.auth.*}, {@code superUser}, {@code kerberos.*}, {@code audit.enable},
 * {@code enforceQuota}, {@code maxCnxns}, {@code globalOutstandingLimit}, and Meerkat's own bounds
 * ({@code meerkat.handshakeTimeoutMs}, {@code meerkat.maxOutboundBytes}, {@code meerkat.maxMultiOps},
 * {@code meerkat.maxWatchesPerSession}). A setting that would leave the server less secure than
 * asked if ignored (CRL and OCSP checks, SASL between servers) stops the server instead.
 */
final class SecurityParser {
    /** ZooKeeper's authentication providers, by class; each names a scheme Meerkat always has. */
    private static final Set<String> KNOWN_PROVIDERS = Set.of(
            "org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
            "org.apache.zookeeper.server.auth.X509AuthenticationProvider",
            "org.apache.zookeeper.server.auth.DigestAuthenticationProvider",
            "org.apache.zookeeper.server.auth.IPAuthenticationProvider");

    private final SecurityConfig.Builder b = SecurityConfig.defaults().toBuilder();
    private final Tls client = new Tls("ssl.");
    private final Tls quorum = new Tls("ssl.quorum.");
    private final Consumer<String> warnings;
    private boolean certReload = true;
    private long reloadCheckMs = 5000;
    private int handshakeTimeoutMs = b.limits.handshakeTimeoutMs();
    private long maxOutboundBytes = b.limits.maxOutboundBytes();
    private int outboundStallMs = b.limits.outboundStallMs();
    private int maxCnxns = b.limits.maxCnxns();
    private int globalOutstandingLimit = b.limits.globalOutstandingLimit();
    private int maxMultiOps = b.limits.maxMultiOps();

    SecurityParser(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    /** The keys this parser reads by name (besides the ssl., authProvider., enforce.auth., kerberos. and quorum.auth. families). */
    static final Set<String> KEYS = Set.of("secureClientPort", "secureClientPortAddress", "sslQuorum", "sslQuorumReloadCertFiles",
            "client.certReload", "client.portUnification", "serverCnxnFactory", "sessionRequireClientSASLAuth", "superUser",
            "X509AuthenticationProvider.superUser", "sasl.serverconfig", "audit.enable", "enforceQuota", "maxCnxns",
            "globalOutstandingLimit", "meerkat.handshakeTimeoutMs", "meerkat.maxOutboundBytes", "meerkat.maxMultiOps",
            "meerkat.maxWatchesPerSession", "meerkat.tls.reloadCheckMs", "meerkat.outboundStallMs");

    static boolean owns(String key) {
        return key.startsWith("ssl.") || key.startsWith("authProvider.") || key.startsWith("enforce.auth.")
                || key.startsWith("kerberos.") || key.startsWith("quorum.auth.") || KEYS.contains(key);
    }

    void take(String where, String key, String value) {
        if (key.startsWith("ssl.quorum.")) {
            quorum.take(where, key, value);
            return;
        }
        if (key.startsWith("ssl.")) {
            client.take(where, key, value);
            return;
        }
        if (key.startsWith("authProvider.")) {
            if (!KNOWN_PROVIDERS.contains(value)) {
                throw new ConfigException(where + ": " + key + "=" + value + ": custom authentication providers are not supported"
                        + " (Meerkat has digest, ip, sasl and x509 built in)");
            }
            return;
        }
        if (key.startsWith("quorum.auth.")) {
            if ((key.equals("quorum.auth.enableSasl") || key.endsWith("RequireSasl")) && Values.bool(where, key, value)) {
                throw new ConfigException(where + ": " + key + ": SASL between servers is not supported; authenticate servers with"
                        + " sslQuorum=true and ssl.quorum.* certificates instead");
            }
            return;
        }
        switch (key) {
            case "secureClientPort" -> b.secureClientPort = Values.intValue(where, key, value, 0, 65535);
            case "secureClientPortAddress" -> b.secureClientPortAddress = nonEmpty(where, key, value);
            case "sslQuorum" -> b.sslQuorum = Values.bool(where, key, value);
            case "sslQuorumReloadCertFiles" -> {
                if (Values.bool(where, key, value)) warnings.accept(where + ": sslQuorumReloadCertFiles: peer certificates are read at start-up only");
            }
            case "client.certReload" -> certReload = Values.bool(where, key, value);
            case "meerkat.tls.reloadCheckMs" -> reloadCheckMs = Values.intValue(where, key, value, 10, Integer.MAX_VALUE);
            case "client.portUnification" -> {
                if (Values.bool(where, key, value)) warnings.accept(where + ": client.portUnification is not supported: TLS clients use secureClientPort");
            }
            case "serverCnxnFactory" -> {
                // ZooKeeper needs NettyServerCnxnFactory for TLS; Meerkat has one implementation for both.
            }
            case "enforce.auth.enabled" -> b.enforceAuth = Values.bool(where, key, value);
            case "enforce.auth.schemes" -> b.enforceSchemes = list(value);
            case "sessionRequireClientSASLAuth" -> {
                if (Values.bool(where, key, value)) {
                    b.enforceAuth = true;
                    b.enforceSchemes = Set.of("sasl");
                }
            }
            case "superUser" -> b.superUser = nonEmpty(where, key, value);
            case "X509AuthenticationProvider.superUser" -> b.x509SuperUser = nonEmpty(where, key, value);
            case "kerberos.removeHostFromPrincipal" -> b.removeHostFromPrincipal = Values.bool(where, key, value);
            case "kerberos.removeRealmFromPrincipal" -> b.removeRealmFromPrincipal = Values.bool(where, key, value);
            case "sasl.serverconfig" -> b.saslSection = nonEmpty(where, key, value);
            case "audit.enable" -> b.auditEnabled = Values.bool(where, key, value);
            case "enforceQuota" -> b.enforceQuota = Values.bool(where, key, value);
            case "maxCnxns" -> maxCnxns = Values.intValue(where, key, value, 0, Integer.MAX_VALUE);
            case "globalOutstandingLimit" -> globalOutstandingLimit = Values.intValue(where, key, value, 1, Integer.MAX_VALUE);
            case "meerkat.handshakeTimeoutMs" -> handshakeTimeoutMs = Values.intValue(where, key, value, 1, Integer.MAX_VALUE);
            case "meerkat.maxOutboundBytes" -> maxOutboundBytes = Values.intValue(where, key, value, 1 << 20, Integer.MAX_VALUE);
            case "meerkat.outboundStallMs" -> outboundStallMs = Values.intValue(where, key, value, 1, Integer.MAX_VALUE);
            case "meerkat.maxMultiOps" -> maxMultiOps = Values.intValue(where, key, value, 1, Integer.MAX_VALUE);
            case "meerkat.maxWatchesPerSession" -> b.maxWatchesPerSession = Values.intValue(where, key, value, 1, Integer.MAX_VALUE);
            // Only the kerberos.* and enforce.auth.* families reach here unmatched (owns() admits no other
            // unknown key): ZooKeeper has more of them, client-side ones among them; none stops a start.
            default -> warnings.accept(where + ": '" + key + "' is not used by Meerkat and is ignored");
        }
    }

    /** {@code clientPortGiven}: without clientPort, a server with a secureClientPort has no plain port (as ZooKeeper). */
    SecurityConfig build(String name, boolean clientPortGiven) {
        b.securePortOnly = !clientPortGiven && b.secureClientPort >= 0;
        b.limits = new ConnectionLimits(handshakeTimeoutMs, maxOutboundBytes, outboundStallMs, maxCnxns, globalOutstandingLimit, maxMultiOps);
        if (b.secureClientPort >= 0) b.clientTls = client.build(name, "secureClientPort", certReload ? reloadCheckMs : 0);
        if (b.sslQuorum) b.quorumTls = quorum.build(name, "sslQuorum", 0);
        return b.build();
    }

    private static Set<String> list(String value) {
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(w -> !w.isEmpty()).forEach(out::add);
        return out;
    }

    private static String nonEmpty(String where, String key, String value) {
        if (value.isEmpty()) throw new ConfigException(where + ": " + key + " needs a value");
        return value;
    }

    /** The ssl.* (or ssl.quorum.*) keys of one TLS endpoint. */
    private final class Tls {
        private final String prefix;
        private Path keyLocation;
        private String keyPassword;
        private String keyType;
        private Path trustLocation;
        private String trustPassword;
        private String trustType;
        private TlsSettings.ClientAuth clientAuth = TlsSettings.ClientAuth.NEED;
        private String protocol = "TLSv1.3";
        private List<String> enabledProtocols = List.of();
        private List<String> cipherSuites = List.of();
        private boolean hostnameVerification = true;
        private Boolean clientHostnameVerification;

        Tls(String prefix) {
            this.prefix = prefix;
        }

        void take(String where, String key, String value) {
            String k = key.substring(prefix.length());
            switch (k) {
                case "keyStore.location" -> keyLocation = Path.of(nonEmpty(where, key, value));
                case "keyStore.password" -> keyPassword = value;
                case "keyStore.passwordPath" -> keyPassword = readPassword(where, key, value);
                case "keyStore.type" -> keyType = value;
                case "trustStore.location" -> trustLocation = Path.of(nonEmpty(where, key, value));
                case "trustStore.password" -> trustPassword = value;
                case "trustStore.passwordPath" -> trustPassword = readPassword(where, key, value);
                case "trustStore.type" -> trustType = value;
                case "clientAuth" -> {
                    try {
                        clientAuth = TlsSettings.ClientAuth.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(where + ": " + key + ": " + e.getMessage());
                    }
                }
                case "protocol" -> protocol = nonEmpty(where, key, value);
                case "enabledProtocols" -> enabledProtocols = List.copyOf(list(value));
                case "ciphersuites" -> cipherSuites = List.copyOf(list(value));
                case "hostnameVerification" -> hostnameVerification = Values.bool(where, key, value);
                case "clientHostnameVerification" -> clientHostnameVerification = Values.bool(where, key, value);
                case "crl", "ocsp" -> {
                    if (Values.bool(where, key, value)) {
                        throw new ConfigException(where + ": " + key + "=true: certificate revocation checks are not supported");
                    }
                }
                case "authProvider" -> {
                    if (!value.equals("x509")) throw new ConfigException(where + ": " + key + ": only the x509 provider is supported");
                }
                case "handshakeDetectionTimeoutMillis" -> Values.intValue(where, key, value, 1, Integer.MAX_VALUE);
                case "context.supplier.class" -> throw new ConfigException(where + ": " + key + ": custom SSL context suppliers are not supported");
                case "sslProvider" -> {
                    if (!value.equalsIgnoreCase("JDK")) warnings.accept(where + ": " + key + "=" + value + ": Meerkat uses the JDK's TLS");
                }
                default -> warnings.accept(where + ": '" + key + "' is not used by Meerkat and is ignored");
            }
        }

        private String readPassword(String where, String key, String value) {
            try {
                return Files.readString(Path.of(value), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException(where + ": " + key + ": cannot read " + value + ": " + e.getMessage());
            }
        }

        TlsSettings build(String name, String because, long reloadMs) {
            if (keyLocation == null) throw new ConfigException(name + ": " + because + " needs " + prefix + "keyStore.location");
            TlsSettings.Store key = new TlsSettings.Store(keyLocation, keyPassword, keyType);
            TlsSettings.Store trust = trustLocation == null ? null : new TlsSettings.Store(trustLocation, trustPassword, trustType);
            try {
                key.effectiveType();
                if (trust != null) trust.effectiveType();
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + ": " + e.getMessage());
            }
            if (!protocol.toUpperCase(Locale.ROOT).startsWith("TLS")) throw new ConfigException(name + ": " + prefix + "protocol " + protocol + " is not a TLS version");
            return new TlsSettings(key, trust, clientAuth, protocol, enabledProtocols, cipherSuites, hostnameVerification,
                    clientHostnameVerification == null ? hostnameVerification : clientHostnameVerification, reloadMs);
        }
    }
}
