package dev.meerkat.junit;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.Parameter;
import java.util.Objects;

/**
 * An embedded Meerkat server for JUnit 5 tests, on a free loopback port with its data in memory.
 * By default one server per test class (started before its {@code @BeforeAll} methods, closed
 * after the class; nested classes share their enclosing class's server); with
 * {@link Lifecycle#PER_METHOD} a fresh one for every test.
 *
 * <p>Either declaratively, with injection:
 * <pre>{@code
 * @ExtendWith(MeerkatExtension.class)          // or @EmbeddedMeerkat(lifecycle = Lifecycle.PER_METHOD)
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
 * static MeerkatExtension meerkat = new MeerkatExtension();      // an instance field: one per test
 *
 * @Test
 * void works() { new ZooKeeper(meerkat.connectString("/app"), 10_000, e -> {}); }
 * }</pre>
 */
public final class MeerkatExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MeerkatExtension.class);
    private static final String KEY = "meerkat";

    private final ServerConfig config;
    private final Lifecycle lifecycle;
    /** The server this instance started, for the {@code @RegisterExtension} accessors. */
    private volatile Meerkat meerkat;
    /** Whether {@link #meerkat} belongs to the current test only (and is closed with it). */
    private volatile boolean perTest;

    /** An in-memory server on a free loopback port, as {@link Meerkat#embedded()}. */
    public MeerkatExtension() {
        this(null, null);
    }

    private MeerkatExtension(ServerConfig config, Lifecycle lifecycle) {
        this.config = config;
        this.lifecycle = lifecycle;
    }

    /**
     * A server with this configuration (for instance {@code Meerkat.embeddedConfig(null).withTickTime(200)}).
     * Port 0 picks a free port; a null data directory keeps the data in memory.
     */
    public static MeerkatExtension withConfig(ServerConfig config) {
        return new MeerkatExtension(Objects.requireNonNull(config, "config"), null);
    }

    /** A fresh in-memory server for every test method. */
    public static MeerkatExtension perMethod() {
        return new MeerkatExtension(null, Lifecycle.PER_METHOD);
    }

    /** The same extension with this lifecycle. */
    public MeerkatExtension withLifecycle(Lifecycle lifecycle) {
        return new MeerkatExtension(config, Objects.requireNonNull(lifecycle, "lifecycle"));
    }

    /** The running server; only while one runs for the current class or test. */
    public Meerkat meerkat() {
        Meerkat m = meerkat;
        if (m == null) throw new IllegalStateException("Meerkat is not running: the extension starts it before @BeforeAll (per class) or @BeforeEach (per method)");
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
        if (lifecycleOf(context) == Lifecycle.PER_METHOD) return;
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        // A store lookup falls back to the enclosing classes' stores: nested classes share the server.
        Running running = store.get(KEY, Running.class);
        if (running == null) {
            running = start();
            store.put(KEY, running); // closed by JUnit when this class's context closes
        }
        meerkat = running.meerkat;
        Injection.inject(InjectMeerkat.class, context.getRequiredTestClass(), null, running::value);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Running running;
        if (lifecycleOf(context) == Lifecycle.PER_METHOD || context.getStore(NAMESPACE).get(KEY, Running.class) == null) {
            // Per method, or registered on an instance field (JUnit then skips beforeAll): one for this test.
            running = start();
            context.getStore(NAMESPACE).put(KEY, running);
            meerkat = running.meerkat;
            perTest = true;
            Injection.inject(InjectMeerkat.class, context.getRequiredTestClass(), null, running::value);
        } else {
            running = context.getStore(NAMESPACE).get(KEY, Running.class);
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            Injection.inject(InjectMeerkat.class, instance.getClass(), instance, running::value);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // A per-test server is closed with the method's context (its store); forget it here so that
        // the accessors do not hand out a closed server.
        if (perTest) {
            perTest = false;
            meerkat = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter p = parameterContext.getParameter();
        return p.getType() == Meerkat.class || (p.getType() == String.class && parameterContext.isAnnotated(InjectMeerkat.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Running running = extensionContext.getStore(NAMESPACE).get(KEY, Running.class);
        if (running == null) {
            throw new ParameterResolutionException("no embedded Meerkat for " + parameterContext.getDeclaringExecutable()
                    + ": with Lifecycle.PER_METHOD the server exists only for test methods, not in @BeforeAll");
        }
        return running.value(parameterContext.getParameter().getType());
    }

    private Lifecycle lifecycleOf(ExtensionContext context) {
        if (lifecycle != null) return lifecycle;
        return context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, EmbeddedMeerkat.class))
                .map(EmbeddedMeerkat::lifecycle)
                .orElse(Lifecycle.PER_CLASS);
    }

    private Running start() {
        return new Running(config == null ? Meerkat.embedded() : Meerkat.start(config));
    }

    /** A running server, closed by JUnit with the extension context whose store holds it. */
    private static final class Running implements ExtensionContext.Store.CloseableResource {
        final Meerkat meerkat;

        Running(Meerkat meerkat) {
            this.meerkat = meerkat;
        }

        Object value(Class<?> type) {
            if (type == Meerkat.class) return meerkat;
            if (type == String.class) return meerkat.connectString();
            return null;
        }

        @Override
        public void close() {
            meerkat.close();
        }
    }
}
