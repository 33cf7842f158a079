package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka 3.9 brokers talk to ZooKeeper with client 3.8.4. That client (copied to target/zk384 by the
 * build) runs here in its own class loader, next to nothing but the platform classes and slf4j,
 * and is driven by reflection through the calls a broker makes.
 */
class Zk384ClientCompatibilityTest {
    private static Meerkat meerkat;
    private static URLClassLoader loader;
    private static Object zk;
    private static final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    private static final CountDownLatch connected = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        meerkat = Zk.meerkat();
        File dir = new File("target/zk384");
        File[] jars = dir.listFiles((d, n) -> n.endsWith(".jar"));
        assertThat(jars).as("jars in " + dir.getAbsolutePath()).hasSize(3);
        List<URL> urls = new ArrayList<>();
        for (File f : jars) urls.add(f.toURI().toURL());
        loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Class<?> watcherType = cls("org.apache.zookeeper.Watcher");
        Object watcher = Proxy.newProxyInstance(loader, new Class<?>[]{watcherType}, (proxy, m, args) -> {
            if (!m.getName().equals("process")) return m.getName().equals("hashCode") ? System.identityHashCode(proxy) : m.getName().equals("equals") ? proxy == args[0] : "watcher";
            Object e = args[0];
            String type = String.valueOf(call(e, "getType"));
            if (type.equals("None")) {
                if (String.valueOf(call(e, "getState")).equals("SyncConnected")) connected.countDown();
            } else {
                events.add(type + " " + call(e, "getPath"));
            }
            return null;
        });
        zk = cls("org.apache.zookeeper.ZooKeeper").getConstructor(String.class, int.class, watcherType)
                .newInstance(meerkat.connectString(), 18_000, watcher);
        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(zk.getClass().getClassLoader()).isSameAs(loader);
        assertThat(String.valueOf(cls("org.apache.zookeeper.Version").getMethod("getFullVersion").invoke(null))).startsWith("3.8.4");
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) call(zk, "close");
        if (meerkat != null) meerkat.close();
        if (loader != null) loader.close();
    }

    private static Class<?> cls(String name) throws ClassNotFoundException {
        return Class.forName(name, true, loader);
    }

    private static Object open() throws Exception {
        return cls("org.apache.zookeeper.ZooDefs$Ids").getField("OPEN_ACL_UNSAFE").get(null);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object mode(String name) throws Exception {
        return Enum.valueOf((Class) cls("org.apache.zookeeper.CreateMode"), name);
    }

    private static Object stat() throws Exception {
        return cls("org.apache.zookeeper.data.Stat").getConstructor().newInstance();
    }

    /** Calls the public method {@code name} whose parameters accept {@code args}; unwraps exceptions. */
    static Object call(Object target, String name, Object... args) throws Exception {
        Class<?> type = target instanceof Class<?> c ? c : target.getClass();
        for (Method m : type.getMethods()) {
            if (!m.getName().equals(name) || m.getParameterCount() != args.length) continue;
            Class<?>[] p = m.getParameterTypes();
            boolean ok = true;
            for (int i = 0; i < p.length && ok; i++) {
                Class<?> want = p[i].isPrimitive() ? box(p[i]) : p[i];
                ok = args[i] == null ? !p[i].isPrimitive() : want.isInstance(args[i]);
            }
            if (!ok) continue;
            try {
                return m.invoke(target instanceof Class<?> ? null : target, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception ex) throw ex;
                throw e;
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + "/" + args.length);
    }

    private static Class<?> box(Class<?> p) {
        if (p == int.class) return Integer.class;
        if (p == long.class) return Long.class;
        if (p == boolean.class) return Boolean.class;
        return p;
    }

    private static String code(Exception e) throws Exception {
        return String.valueOf(call(e, "code"));
    }

    @Test
    void createGetDataSetDataAndChildren2() throws Exception {
        assertThat(call(zk, "create", "/k", null, open(), mode("PERSISTENT"))).isEqualTo("/k");
        assertThat(call(zk, "create", "/k/brokers", "x".getBytes(StandardCharsets.UTF_8), open(), mode("PERSISTENT"))).isEqualTo("/k/brokers");
        Object st = stat();
        assertThat((byte[]) call(zk, "getData", "/k/brokers", false, st)).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
        assertThat(call(st, "getVersion")).isEqualTo(0);
        Object after = call(zk, "setData", "/k/brokers", "y".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(call(after, "getVersion")).isEqualTo(1);
        try {
            call(zk, "setData", "/k/brokers", null, 0);
            throw new AssertionError("expected BadVersion");
        } catch (Exception e) {
            assertThat(code(e)).isEqualTo("BADVERSION");
        }
        assertThat((byte[]) call(zk, "getData", "/k", false, null)).isNull();
        assertThat(call(zk, "create", "/k/seq-", null, open(), mode("PERSISTENT_SEQUENTIAL"))).isEqualTo("/k/seq-0000000001");
        Object cst = stat();
        @SuppressWarnings("unchecked")
        List<String> kids = (List<String>) call(zk, "getChildren", "/k", false, cst);
        assertThat(kids).containsExactlyInAnyOrder("brokers", "seq-0000000001");
        assertThat(call(cst, "getNumChildren")).isEqualTo(2);
        assertThat(call(cst, "getCversion")).isEqualTo(2);
    }

    @Test
    void brokerRegistrationMultiAndEphemeral() throws Exception {
        call(zk, "create", "/b", null, open(), mode("PERSISTENT"));
        Class<?> op = cls("org.apache.zookeeper.Op");
        List<Object> ops = List.of(call(op, "create", "/b/1", null, open(), mode("EPHEMERAL")),
                call(op, "setData", "/b/1", "{\"host\":\"h\"}".getBytes(StandardCharsets.UTF_8), 0));
        List<?> results = (List<?>) call(zk, "multi", ops);
        assertThat(results).hasSize(2);
        assertThat(call(results.get(0), "getPath")).isEqualTo("/b/1");
        Object st = call(zk, "exists", "/b/1", false);
        assertThat(call(st, "getEphemeralOwner")).isEqualTo(call(zk, "getSessionId"));
        assertThat(call(st, "getVersion")).isEqualTo(1);
        try {
            call(zk, "multi", List.of(call(op, "create", "/b/1", null, open(), mode("EPHEMERAL"))));
            throw new AssertionError("expected NodeExists");
        } catch (Exception e) {
            assertThat(code(e)).isEqualTo("NODEEXISTS");
        }
        try {
            call(zk, "create", "/b/1/child", null, open(), mode("PERSISTENT"));
            throw new AssertionError("expected NoChildrenForEphemerals");
        } catch (Exception e) {
            assertThat(code(e)).isEqualTo("NOCHILDRENFOREPHEMERALS");
        }
    }

    @Test
    void existsWatchOnAMissingNodeFiresNodeCreated() throws Exception {
        assertThat(call(zk, "exists", "/controller", true)).isNull();
        try (var other = new org.apache.zookeeper.ZooKeeper(meerkat.connectString(), 10_000, e -> { })) {
            org.awaitility.Awaitility.await().until(() -> other.getState().isConnected());
            other.create("/controller", null, org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, org.apache.zookeeper.CreateMode.EPHEMERAL);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("NodeCreated /controller");
            call(zk, "exists", "/controller", true);
        }
        // the owner's session closed: its ephemeral goes and the watch fires
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("NodeDeleted /controller");
    }
}
