package dev.meerkat.junit.kafka;

import dev.meerkat.junit.Injection;
import dev.meerkat.junit.Lifecycle;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.time.Duration;

/** Runs the cluster that {@link MeerkatKafka} asks for; see there. */
public final class MeerkatKafkaExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MeerkatKafkaExtension.class);
    private static final String KEY = "kafka";

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        MeerkatKafka spec = spec(context);
        if (spec.lifecycle() == Lifecycle.PER_METHOD) return;
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        Running running = store.get(KEY, Running.class); // a nested class shares its enclosing class's cluster
        if (running == null) {
            running = Running.start(spec);
            store.put(KEY, running);
        }
        Injection.inject(InjectKafka.class, context.getRequiredTestClass(), null, running::value);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        MeerkatKafka spec = spec(context);
        Running running;
        if (spec.lifecycle() == Lifecycle.PER_METHOD) {
            running = Running.start(spec);
            context.getStore(NAMESPACE).put(KEY, running); // closed with the method's context
            Injection.inject(InjectKafka.class, context.getRequiredTestClass(), null, running::value);
        } else {
            running = context.getStore(NAMESPACE).get(KEY, Running.class);
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            Injection.inject(InjectKafka.class, instance.getClass(), instance, running::value);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == KafkaCluster.class || (type == String.class && parameterContext.isAnnotated(InjectKafka.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Running running = extensionContext.getStore(NAMESPACE).get(KEY, Running.class);
        if (running == null) {
            throw new ParameterResolutionException("no Kafka cluster for " + parameterContext.getDeclaringExecutable()
                    + ": with Lifecycle.PER_METHOD the cluster exists only for test methods, not in @BeforeAll");
        }
        return running.value(parameterContext.getParameter().getType());
    }

    private static MeerkatKafka spec(ExtensionContext context) {
        return context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, MeerkatKafka.class))
                .orElseThrow(() -> new ExtensionConfigurationException("MeerkatKafkaExtension is used through @MeerkatKafka on the test class"));
    }

    /** A running cluster, closed by JUnit with the context whose store holds it. */
    private static final class Running implements ExtensionContext.Store.CloseableResource {
        final KafkaCluster cluster;
        final String property;
        final String previousValue;

        private Running(KafkaCluster cluster, String property) {
            this.cluster = cluster;
            this.property = property;
            this.previousValue = property.isEmpty() ? null : System.getProperty(property);
            if (!property.isEmpty()) System.setProperty(property, cluster.bootstrapServers());
        }

        static Running start(MeerkatKafka spec) {
            try {
                KafkaPresence.require();
            } catch (IllegalStateException e) {
                throw new ExtensionConfigurationException(e.getMessage());
            }
            KafkaCluster.Builder b = KafkaCluster.builder()
                    .brokers(spec.brokers())
                    .partitions(spec.partitions())
                    .brokerProperties(spec.brokerProperties())
                    .topics(spec.topics())
                    .timeout(Duration.ofSeconds(spec.timeoutSeconds()));
            if (spec.replicationFactor() > 0) b.replicationFactor(spec.replicationFactor());
            return new Running(b.start(), spec.bootstrapServersProperty());
        }

        Object value(Class<?> type) {
            if (type == KafkaCluster.class) return cluster;
            if (type == String.class) return cluster.bootstrapServers();
            return null;
        }

        @Override
        public void close() {
            try {
                cluster.close();
            } finally {
                if (!property.isEmpty()) {
                    if (previousValue == null) System.clearProperty(property);
                    else System.setProperty(property, previousValue);
                }
            }
        }
    }
}
