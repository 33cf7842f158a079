package dev.meerkat.it.security;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate authority made in the test, and the certificates it signs: nothing private is
 * committed, every key is new each run. Writes stores in the formats ZooKeeper reads: PEM
 * (certificate chain and PKCS#8 key in one file), PKCS12 and JKS.
 */
public final class TestCa {
    public static final String PASSWORD = "test-secret";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair keys;
    final X509Certificate cert;

    /** An issued certificate with its key. */
    public record Issued(KeyPair keys, X509Certificate cert, TestCa ca) {
        public String subject() {
            return cert.getSubjectX500Principal().getName();
        }

        public Path pem(Path file) throws IOException {
            String text = pemBlock("CERTIFICATE", encoded(cert)) + pemBlock("CERTIFICATE", encoded(ca.cert))
                    + pemBlock("PRIVATE KEY", keys.getPrivate().getEncoded());
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        }

        public Path store(Path file, String type) throws Exception {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(null, null);
            ks.setKeyEntry("key", keys.getPrivate(), PASSWORD.toCharArray(), new Certificate[]{cert, ca.cert});
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, PASSWORD.toCharArray());
            }
            return file;
        }
    }

    public TestCa(String name) throws Exception {
        keys = rsa();
        X500Name subject = new X500Name("CN=" + name + ",O=Meerkat Tests");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(2))), subject, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        cert = sign(b, keys);
    }

    /** A certificate for {@code cn}, naming 127.0.0.1 and localhost (ZooKeeper checks a peer's address). */
    public Issued issue(String cn) throws Exception {
        KeyPair kp = rsa();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(2))),
                new X500Name("CN=" + cn + ",OU=Test,O=Meerkat Tests"), kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        return new Issued(kp, sign(b, keys), this);
    }

    /** A trust store holding this CA (and {@code others}). */
    public Path trustPem(Path file, TestCa... others) throws IOException {
        StringBuilder text = new StringBuilder(pemBlock("CERTIFICATE", encoded(cert)));
        for (TestCa o : others) text.append(pemBlock("CERTIFICATE", encoded(o.cert)));
        return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    }

    public Path trustStore(Path file, String type, TestCa... others) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        ks.setCertificateEntry("ca", cert);
        for (int i = 0; i < others.length; i++) ks.setCertificateEntry("ca-" + i, others[i].cert);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pemBlock(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
