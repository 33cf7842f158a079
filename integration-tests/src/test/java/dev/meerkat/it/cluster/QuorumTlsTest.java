package dev.meerkat.it.cluster;

import dev.meerkat.it.hardening.Clients;
import dev.meerkat.it.security.TestCa;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sslQuorum: the servers of an ensemble talk over TLS with certificates both ways (ssl.quorum.*
 * keys), and only configured servers with a trusted certificate join: a plain-TCP peer, a peer
 * without a certificate, one with an untrusted certificate and a trusted one claiming to be a
 * server that is not configured are all refused, while the ensemble goes on serving.
 */
class QuorumTlsTest {
    @TempDir
    static Path dir;
    static MeerkatEnsemble ensemble;
    static TestCa ca;
    static Path trust;

    @BeforeAll
    static void start() throws Exception {
        ca = new TestCa("Quorum CA");
        Path key = ca.issue("quorum-member").store(dir.resolve("quorum.p12"), "PKCS12");
        trust = ca.trustStore(dir.resolve("quorum-trust.p12"), "PKCS12");
        ensemble = MeerkatEnsemble.start(MeerkatEnsemble.Options.of(3).withConfig(
                "sslQuorum=true",
                "ssl.quorum.keyStore.location=" + key.toAbsolutePath(),
                "ssl.quorum.keyStore.password=" + TestCa.PASSWORD,
                "ssl.quorum.trustStore.location=" + trust.toAbsolutePath(),
                "ssl.quorum.trustStore.password=" + TestCa.PASSWORD), Files.createDirectories(dir.resolve("ensemble")));
    }

    @AfterAll
    static void stop() {
        if (ensemble != null) ensemble.close();
    }

    /** The peer address server 1 uses for server 2 (a link proxy in front of server 2's peer port). */
    private static int peerPortOfServer2() throws IOException {
        String cfg = Files.readString(dir.resolve("ensemble").resolve("server-1").resolve("zoo.cfg"));
        Matcher m = Pattern.compile("server\\.2=127\\.0\\.0\\.1:(\\d+):").matcher(cfg);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A peer hello as Meerkat frames it: length, type 1, magic, version, from, to, fingerprint, shape. */
    private static byte[] hello(long from, long to) {
        byte[] shape = "9".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer body = ByteBuffer.allocate(1 + 36 + shape.length);
        body.put((byte) 1).putInt(0x4d4b5052).putInt(1).putLong(from).putLong(to).putLong(0).putInt(shape.length).put(shape);
        return ByteBuffer.allocate(4 + body.capacity()).putInt(body.capacity()).put(body.array()).array();
    }

    private static SSLContext tls(Path keyStore) throws Exception {
        KeyManagerFactory kmf = null;
        if (keyStore != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                ks.load(in, TestCa.PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, TestCa.PASSWORD.toCharArray());
        }
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trust)) {
            ts.load(in, TestCa.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** What a peer that says hello over {@code socket} gets: "refused <reason>", "accepted", or "closed". */
    private static String sayHello(Socket socket, long claimed) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            socket.getOutputStream().write(hello(claimed, 2));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int len = in.readInt();
            byte type = in.readByte();
            byte[] rest = new byte[len - 1];
            in.readFully(rest);
            if (type == 3) return "refused " + ByteBuffer.wrap(rest).getInt();
            return type == 2 ? "accepted" : "frame " + type;
        } catch (IOException e) {
            return "closed";
        }
    }

    @Test
    void theEnsembleServesOverTlsLinks() throws Exception {
        try (ZooKeeper zk = Clients.connect(ensemble.connectString())) {
            zk.create("/over-tls", "quorum".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.sync("/over-tls", (rc, p, c) -> { }, null);
        }
        for (int id : ensemble.ids()) {
            try (ZooKeeper zk = Clients.connect(ensemble.connectString(id))) {
                zk.sync("/over-tls", (rc, p, c) -> { }, null);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> zk.exists("/over-tls", false) != null);
            }
        }
    }

    @Test
    void onlyConfiguredServersWithTrustedCertificatesJoin() throws Exception {
        int port = peerPortOfServer2();
        try (Socket plain = new Socket("127.0.0.1", port)) {
            assertThat(sayHello(plain, 1)).as("plain TCP").isEqualTo("closed");
        }
        try (SSLSocket anonymous = (SSLSocket) tls(null).getSocketFactory().createSocket("127.0.0.1", port)) {
            assertThat(sayHello(anonymous, 1)).as("TLS without a certificate").isEqualTo("closed");
        }
        TestCa stranger = new TestCa("Stranger CA");
        Path strangeKey = stranger.issue("quorum-member").store(dir.resolve("strange.p12"), "PKCS12");
        try (SSLSocket untrusted = (SSLSocket) tls(strangeKey).getSocketFactory().createSocket("127.0.0.1", port)) {
            assertThat(sayHello(untrusted, 1)).as("a certificate from another CA").isEqualTo("closed");
        }
        Path trustedKey = ca.issue("not-a-member").store(dir.resolve("trusted.p12"), "PKCS12");
        try (SSLSocket unknown = (SSLSocket) tls(trustedKey).getSocketFactory().createSocket("127.0.0.1", port)) {
            assertThat(sayHello(unknown, 9)).as("a trusted certificate claiming server 9").startsWith("refused");
        }
        try (ZooKeeper zk = Clients.connect(ensemble.connectString())) {
            zk.create("/still-serving", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        assertThat(ensemble.modes().values()).contains("leader");
    }
}
