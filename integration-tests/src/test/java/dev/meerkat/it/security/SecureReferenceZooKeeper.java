package dev.meerkat.it.security;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.auth.ProviderRegistry;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Apache ZooKeeper 3.9.5 in-process, configured with zoo.cfg keys for TLS and/or SASL, as the
 * reference for the security differential tests. ZooKeeper turns such keys into JVM-wide system
 * properties and keeps its auth providers in a static registry: both are put back when it closes,
 * so nothing leaks into the tests that run after it in this JVM.
 */
final class SecureReferenceZooKeeper implements AutoCloseable {
    private final TestingServer server;
    private final int securePort;
    private final List<String> setProperties;

    SecureReferenceZooKeeper(Map<String, String> zooCfg, Map<String, String> systemProperties) throws Exception {
        Map<String, Object> custom = new HashMap<>(zooCfg);
        int secure = -1;
        if (zooCfg.containsKey("secureClientPort")) {
            secure = freePort();
            custom.put("secureClientPort", String.valueOf(secure));
        }
        securePort = secure;
        Map<String, String> sys = new HashMap<>(systemProperties);
        sys.put("zookeeper.admin.enableServer", "false");
        // ZooKeeper reads every other key of zoo.cfg as the system property zookeeper.<key>.
        for (String k : zooCfg.keySet()) if (!k.equals("secureClientPort")) sys.putIfAbsent("zookeeper." + k, zooCfg.get(k));
        setProperties = List.copyOf(sys.keySet());
        sys.forEach(System::setProperty);
        ProviderRegistry.reset();
        InstanceSpec spec = new InstanceSpec(Files.createTempDirectory("zk-secure-ref").toFile(), -1, -1, -1, true, -1, 2000, 60, custom);
        server = new TestingServer(spec, true);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String connectString() {
        return server.getConnectString();
    }

    String secureConnectString() {
        return "127.0.0.1:" + securePort;
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            setProperties.forEach(System::clearProperty);
            ProviderRegistry.reset();
        }
    }
}
