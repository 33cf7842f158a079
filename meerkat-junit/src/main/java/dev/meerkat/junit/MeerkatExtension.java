package dev.meerkat.junit;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Objects;

/**
 * An embedded Meerkat server for JUnit 5 tests: started once per test class (before its
 * {@code @BeforeAll} methods), closed after the class. It listens on a free loopback port and keeps
 * its data in memory. Nested test classes share their enclosing class's server.
 *
 * <p>Either declaratively, with injection:
 * <pre>{@code
 * @ExtendWith(MeerkatExtension.class)
 * class MyTest {
 *     @InjectMeerkat static String connectString;     // or: @InjectMeerkat Meerkat meerkat;
 *
 *     @Test
 *     void works(Meerkat meerkat) { ... }              // Meerkat parameters are resolved too
 * }
 * }</pre>
 * or programmatically, which also lets you pass a configuration:
 * <pre>{@code
 * @RegisterExtension
 * static MeerkatExtension meerkat = new MeerkatExtension();
 *
 * @Test
 * void works() { new ZooKeeper(meerkat.connectString("/app"), 10_000, e -> {}); }
 * }</pre>
 */
public final class MeerkatExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MeerkatExtension.class);
    private static final String KEY = "meerkat";

    private final ServerConfig config;
    /** The server this instance started, for the {@code @RegisterExtension} accessors. */
    private volatile Meerkat meerkat;

    /** An in-memory server on a free loopback port, as {@link Meerkat#embedded()}. */
    public MeerkatExtension() {
        this(null);
    }

    private MeerkatExtension(ServerConfig config) {
        this.config = config;
    }

    /**
     * A server with this configuration (for instance a shorter tick time or a custom session
     * timeout range). Port 0 picks a free port; a null data directory keeps the data in memory.
     */
    public static MeerkatExtension withConfig(ServerConfig config) {
        return new MeerkatExtension(Objects.requireNonNull(config, "config"));
    }

    /** The running server; only between the class's start and end. */
    public Meerkat meerkat() {
        Meerkat m = meerkat;
        if (m == null) throw new IllegalStateException("Meerkat is not running: the extension starts it before @BeforeAll");
        return m;
    }

    /** {@code 127.0.0.1:port}. */
    public String connectString() {
        return meerkat().connectString();
    }

    /** {@code 127.0.0.1:port/chroot}, as Kafka's {@code zookeeper.connect} wants it. */
    public String connectString(String chroot) {
        if (chroot == null || chroot.isEmpty() || chroot.equals("/")) return connectString();
        if (!chroot.startsWith("/")) throw new IllegalArgumentException("a chroot starts with '/': " + chroot);
        return connectString() + chroot;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        // A store lookup falls back to the enclosing classes' stores: nested classes share the server.
        Running running = store.get(KEY, Running.class);
        if (running == null) {
            Meerkat started = config == null ? Meerkat.embedded() : Meerkat.start(config);
            running = new Running(started);
            store.put(KEY, running); // closed by JUnit when this class's context closes
        }
        meerkat = running.meerkat;
        inject(context.getRequiredTestClass(), null, running.meerkat);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Meerkat m = server(context);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) inject(instance.getClass(), instance, m);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter p = parameterContext.getParameter();
        return p.getType() == Meerkat.class || (p.getType() == String.class && parameterContext.isAnnotated(InjectMeerkat.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Meerkat m = server(extensionContext);
        return parameterContext.getParameter().getType() == Meerkat.class ? m : m.connectString();
    }

    private Meerkat server(ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).get(KEY, Running.class);
        if (running == null) throw new ParameterResolutionException("no embedded Meerkat: MeerkatExtension starts one per test class");
        return running.meerkat;
    }

    private static void inject(Class<?> type, Object instance, Meerkat m) throws IllegalAccessException {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!f.isAnnotationPresent(InjectMeerkat.class)) continue;
                boolean isStatic = Modifier.isStatic(f.getModifiers());
                if (isStatic != (instance == null)) continue;
                if (Modifier.isFinal(f.getModifiers())) {
                    throw new ExtensionConfigurationException("@InjectMeerkat field " + f + " must not be final");
                }
                Object value;
                if (f.getType() == Meerkat.class) value = m;
                else if (f.getType() == String.class) value = m.connectString();
                else throw new ExtensionConfigurationException("@InjectMeerkat field " + f + " must be a Meerkat or a String");
                f.setAccessible(true);
                f.set(instance, value);
            }
        }
    }

    /** The per-class server, closed by JUnit with the class's extension context. */
    private static final class Running implements ExtensionContext.Store.CloseableResource {
        final Meerkat meerkat;

        Running(Meerkat meerkat) {
            this.meerkat = meerkat;
        }

        @Override
        public void close() {
            meerkat.close();
        }
    }
}
