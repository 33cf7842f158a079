package dev.meerkat.core.tls;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads ZooKeeper-style key and trust stores into the JDK's key and trust manager factories: PEM
 * files (certificates and a PKCS#8 key, encrypted or not, in one file, as ZooKeeper reads them),
 * PKCS12 and JKS. Blocking file I/O: never on an event loop.
 */
public final class KeyMaterial {
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private KeyMaterial() {
    }

    /** The key managers for {@code store} (its key and certificate chain). */
    public static KeyManagerFactory keyManagers(TlsSettings.Store store) throws IOException, GeneralSecurityException {
        KeyStore ks = load(store, true);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, store.passwordChars());
        return kmf;
    }

    /** The trust managers for {@code store}, or the JDK's default trust when it is null. */
    public static TrustManagerFactory trustManagers(TlsSettings.Store store) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store == null ? null : load(store, false));
        return tmf;
    }

    static KeyStore load(TlsSettings.Store store, boolean withKey) throws IOException, GeneralSecurityException {
        String type = store.effectiveType();
        if (type.equals("PEM")) return fromPem(Files.readString(store.location(), StandardCharsets.US_ASCII), store.password(), withKey, store.location());
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(store.location())) {
            ks.load(in, store.passwordChars());
        }
        return ks;
    }

    private static KeyStore fromPem(String text, String password, boolean withKey, Path where) throws IOException, GeneralSecurityException {
        List<Certificate> certs = new ArrayList<>();
        PrivateKey key = null;
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            String kind = m.group(1);
            if (kind.equals("CERTIFICATE")) {
                certs.add(cf.generateCertificate(new ByteArrayInputStream(der)));
            } else if (kind.equals("PRIVATE KEY")) {
                key = privateKey(der);
            } else if (kind.equals("ENCRYPTED PRIVATE KEY")) {
                if (password == null || password.isEmpty()) throw new GeneralSecurityException(where + ": the key is encrypted and no password is set");
                key = privateKey(decrypt(der, password.toCharArray()));
            } else if (kind.endsWith("PRIVATE KEY")) {
                throw new GeneralSecurityException(where + ": a " + kind + " block; convert the key to PKCS#8 (openssl pkcs8 -topk8)");
            }
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        if (withKey) {
            if (key == null) throw new GeneralSecurityException(where + ": no PRIVATE KEY block");
            if (certs.isEmpty()) throw new GeneralSecurityException(where + ": no CERTIFICATE block");
            ks.setKeyEntry("key", key, password == null ? new char[0] : password.toCharArray(), certs.toArray(new Certificate[0]));
        } else {
            if (certs.isEmpty()) throw new GeneralSecurityException(where + ": no CERTIFICATE block");
            for (int i = 0; i < certs.size(); i++) ks.setCertificateEntry("ca-" + i, certs.get(i));
        }
        return ks;
    }

    private static byte[] decrypt(byte[] der, char[] password) throws IOException, GeneralSecurityException {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        SecretKeyFactory skf = SecretKeyFactory.getInstance(info.getAlgName());
        Cipher cipher = Cipher.getInstance(info.getAlgName());
        cipher.init(Cipher.DECRYPT_MODE, skf.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
        return info.getKeySpec(cipher).getEncoded();
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[]{"RSA", "EC", "DSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not an RSA, EC, DSA or Ed25519 key", last);
    }
}
