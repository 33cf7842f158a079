package dev.meerkat.junit.kafka;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Without Kafka on the classpath the cluster says, in one sentence, what to add. */
class KafkaPresenceTest {

    @Test
    void namesTheMissingDependency() throws Exception {
        URL ownClasses = KafkaPresence.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutKafka = new URLClassLoader(new URL[]{ownClasses}, ClassLoader.getPlatformClassLoader())) {
            Class<?> presence = Class.forName(KafkaPresence.class.getName(), true, withoutKafka);
            Method require = presence.getDeclaredMethod("require");
            require.setAccessible(true);
            Throwable thrown = catchThrowable(() -> require.invoke(null));
            assertThat(thrown).isInstanceOf(InvocationTargetException.class);
            assertThat(thrown.getCause()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("add org.apache.kafka:kafka_2.13:3.9.1 (test scope");
        }
    }

    @Test
    void isQuietWhenKafkaIsThere() {
        KafkaPresence.require();
    }
}
