package dev.meerkat.wire.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version strings a ZooKeeper tool reads: which protocol Meerkat speaks, and which Meerkat it is. */
public final class Versions {
    /** The ZooKeeper release whose protocol and operations surface Meerkat matches. */
    public static final String ZOOKEEPER = "3.9.5";
    /** Meerkat's own version, from the build. */
    public static final String MEERKAT = load();
    /** What srvr, stat, mntr and envi print as ZooKeeper's version: tools take the leading x.y.z. */
    public static final String FULL = ZOOKEEPER + "-meerkat-" + MEERKAT;

    private Versions() {
    }

    private static String load() {
        try (InputStream in = Versions.class.getResourceAsStream("/dev/meerkat/wire/version.properties")) {
            if (in == null) throw new IllegalStateException("version.properties missing from the zk-wire jar");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("meerkat.version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
