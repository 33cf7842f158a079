package dev.meerkat.wire.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ZooKeeper's Environment.list(): what envi and the environment command print, in its order. The
 * host name is looked up once, when the client port starts, never on an event loop.
 */
public final class Environment {
    private volatile String hostName;

    Environment() {
    }

    /** Looked up on the first envi, not at start: a reverse lookup may take a while. */
    private String hostName() {
        String name = hostName;
        if (name != null) return name;
        try {
            name = InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            name = "<NA>";
        }
        hostName = name;
        return name;
    }

    public List<Map.Entry<String, String>> list() {
        List<Map.Entry<String, String>> l = new ArrayList<>();
        l.add(Map.entry("zookeeper.version", Versions.FULL));
        l.add(Map.entry("host.name", hostName()));
        for (String key : new String[]{"java.version", "java.vendor", "java.home", "java.class.path", "java.library.path",
                "java.io.tmpdir", "java.compiler", "os.name", "os.arch", "os.version", "user.name", "user.home", "user.dir"}) {
            l.add(Map.entry(key, System.getProperty(key, "<NA>")));
        }
        Runtime rt = Runtime.getRuntime();
        l.add(Map.entry("os.memory.free", rt.freeMemory() / (1024 * 1024) + "MB"));
        l.add(Map.entry("os.memory.max", rt.maxMemory() / (1024 * 1024) + "MB"));
        l.add(Map.entry("os.memory.total", rt.totalMemory() / (1024 * 1024) + "MB"));
        return l;
    }
}
