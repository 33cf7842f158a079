package dev.meerkat.core.tls;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.LinkedHashSet;
import java.util.concurrent.TimeUnit;

/** Turns {@link TlsSettings} into Vert.x's TLS options. Reads the store files: not on an event loop. */
public final class VertxTls {

    private VertxTls() {
    }

    /** The server side: our key, whom we trust, whether (and how much) we ask for the peer's certificate. */
    public static ServerSSLOptions server(TlsSettings s, long handshakeTimeoutMs) throws IOException, GeneralSecurityException {
        ServerSSLOptions o = new ServerSSLOptions()
                .setKeyCertOptions(KeyCertOptions.wrap(KeyMaterial.keyManagers(s.keyStore())))
                .setTrustOptions(TrustOptions.wrap(KeyMaterial.trustManagers(s.trustStore())))
                .setClientAuth(switch (s.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case WANT -> ClientAuth.REQUEST;
                    case NEED -> ClientAuth.REQUIRED;
                })
                .setEnabledSecureTransportProtocols(new LinkedHashSet<>(s.protocols()))
                .setSslHandshakeTimeout(handshakeTimeoutMs).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        for (String c : s.cipherSuites()) o.addEnabledCipherSuite(c);
        return o;
    }

    /** {@code options} with TLS on, as {@code ssl} says (NetServerOptions carries its own copy of each setting). */
    public static io.vertx.core.net.NetServerOptions secure(io.vertx.core.net.NetServerOptions options, ServerSSLOptions ssl) {
        options.setSsl(true);
        options.setKeyCertOptions(ssl.getKeyCertOptions());
        options.setTrustOptions(ssl.getTrustOptions());
        options.setClientAuth(ssl.getClientAuth());
        options.setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
        for (String c : ssl.getEnabledCipherSuites()) options.addEnabledCipherSuite(c);
        options.setSslHandshakeTimeout(ssl.getSslHandshakeTimeout());
        options.setSslHandshakeTimeoutUnit(ssl.getSslHandshakeTimeoutUnit());
        return options;
    }

    /** {@code options} with TLS on, as {@code ssl} says. */
    public static io.vertx.core.net.NetClientOptions secure(io.vertx.core.net.NetClientOptions options, ClientSSLOptions ssl) {
        options.setSsl(true);
        options.setKeyCertOptions(ssl.getKeyCertOptions());
        options.setTrustOptions(ssl.getTrustOptions());
        options.setHostnameVerificationAlgorithm(ssl.getHostnameVerificationAlgorithm());
        options.setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
        for (String c : ssl.getEnabledCipherSuites()) options.addEnabledCipherSuite(c);
        options.setSslHandshakeTimeout(ssl.getSslHandshakeTimeout());
        options.setSslHandshakeTimeoutUnit(ssl.getSslHandshakeTimeoutUnit());
        return options;
    }

    /** The client side (a server connecting to a peer): our key for the peer to check, whom we trust. */
    public static ClientSSLOptions client(TlsSettings s, long handshakeTimeoutMs) throws IOException, GeneralSecurityException {
        ClientSSLOptions o = new ClientSSLOptions()
                .setKeyCertOptions(KeyCertOptions.wrap(KeyMaterial.keyManagers(s.keyStore())))
                .setTrustOptions(TrustOptions.wrap(KeyMaterial.trustManagers(s.trustStore())))
                .setHostnameVerificationAlgorithm(s.hostnameVerification() ? "HTTPS" : "")
                .setEnabledSecureTransportProtocols(new LinkedHashSet<>(s.protocols()))
                .setSslHandshakeTimeout(handshakeTimeoutMs).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        for (String c : s.cipherSuites()) o.addEnabledCipherSuite(c);
        return o;
    }

    /** What changes when a store file is replaced or rewritten: its modification time and size. */
    public static String filesVersion(TlsSettings s) {
        return version(s.keyStore()) + "|" + version(s.trustStore());
    }

    private static String version(TlsSettings.Store store) {
        if (store == null) return "-";
        try {
            BasicFileAttributes a = Files.readAttributes(store.location(), BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
