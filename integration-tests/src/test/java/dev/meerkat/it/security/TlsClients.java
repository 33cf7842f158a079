package dev.meerkat.it.security;

import org.apache.zookeeper.client.ZKClientConfig;

import java.nio.file.Path;

/** ZooKeeper client configurations for TLS, one object per client: nothing is set JVM-wide. */
public final class TlsClients {
    private TlsClients() {
    }

    /** The official client's Netty socket over TLS, with a key store (or none) and a trust store. */
    public static ZKClientConfig config(Path keyStore, String keyType, Path trustStore, String trustType) {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        if (keyStore != null) {
            c.setProperty("zookeeper.ssl.keyStore.location", keyStore.toString());
            c.setProperty("zookeeper.ssl.keyStore.password", TestCa.PASSWORD);
            c.setProperty("zookeeper.ssl.keyStore.type", keyType);
        }
        c.setProperty("zookeeper.ssl.trustStore.location", trustStore.toString());
        c.setProperty("zookeeper.ssl.trustStore.password", TestCa.PASSWORD);
        c.setProperty("zookeeper.ssl.trustStore.type", trustType);
        return c;
    }
}
