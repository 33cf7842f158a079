package dev.meerkat.core.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * TLS settings with ZooKeeper's keys ({@code ssl.*} for the client port, {@code ssl.quorum.*}
 * between servers).
 *
 * @param keyStore                   ssl.keyStore.location/password/type: this server's certificate and key
 * @param trustStore                 ssl.trustStore.location/password/type: whom to trust (null: the JDK's defaults)
 * @param clientAuth                 ssl.clientAuth: none, want or need (ZooKeeper's default: need)
 * @param protocol                   ssl.protocol (TLSv1.3 or TLSv1.2)
 * @param enabledProtocols           ssl.enabledProtocols; empty = as ZooKeeper: TLSv1.3 and TLSv1.2 for TLSv1.3, else the protocol
 * @param cipherSuites               ssl.ciphersuites; empty = the JDK's
 * @param hostnameVerification       ssl.hostnameVerification: a peer's certificate must name its address
 * @param clientHostnameVerification ssl.clientHostnameVerification: also for clients' certificates (default: as above)
 * @param reloadCheckMs              how often the store files are checked for changes (0 = never); a
 *                                   changed file is used from the next handshake on
 */
public record TlsSettings(Store keyStore, Store trustStore, ClientAuth clientAuth, String protocol, List<String> enabledProtocols,
                          List<String> cipherSuites, boolean hostnameVerification, boolean clientHostnameVerification,
                          long reloadCheckMs) {

    /** ssl.clientAuth. */
    public enum ClientAuth {
        NONE, WANT, NEED;

        public static ClientAuth parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "want" -> WANT;
                case "need" -> NEED;
                default -> throw new IllegalArgumentException("ssl.clientAuth must be none, want or need, not '" + value + "'");
            };
        }
    }

    /** A key or trust store: a file, its password (for PEM: the key's), its type (PEM, PKCS12, JKS; null: from the file name). */
    public record Store(Path location, String password, String type) {
        /** The type as given, or as ZooKeeper infers it from the file name. */
        public String effectiveType() {
            if (type != null && !type.isBlank()) return type.trim().toUpperCase(Locale.ROOT);
            String name = location.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".pem") || name.endsWith(".crt") || name.endsWith(".cer")) return "PEM";
            if (name.endsWith(".p12") || name.endsWith(".pfx")) return "PKCS12";
            if (name.endsWith(".jks")) return "JKS";
            if (name.endsWith(".bcfks")) return "BCFKS";
            throw new IllegalArgumentException("cannot tell the type of store " + location + ": set its .type (PEM, PKCS12 or JKS)");
        }

        public char[] passwordChars() {
            return password == null ? new char[0] : password.toCharArray();
        }
    }

    public TlsSettings {
        if (keyStore == null) throw new IllegalArgumentException("TLS needs ssl.keyStore.location");
        enabledProtocols = List.copyOf(enabledProtocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /** The protocols to enable: ssl.enabledProtocols, or ZooKeeper's default for ssl.protocol. */
    public List<String> protocols() {
        if (!enabledProtocols.isEmpty()) return enabledProtocols;
        return protocol.equals("TLSv1.3") ? List.of("TLSv1.3", "TLSv1.2") : List.of(protocol);
    }
}
