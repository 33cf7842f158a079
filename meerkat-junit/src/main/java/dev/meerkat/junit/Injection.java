package dev.meerkat.junit;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.function.Function;

/** Sets the fields of a test class that carry an injection annotation. Shared by this library's extensions; not an API. */
public final class Injection {
    private Injection() {
    }

    /**
     * Sets every field of {@code type} (and its superclasses) annotated with {@code marker}: the
     * static ones when {@code instance} is null, else the instance's. {@code values} maps a field
     * type to the value to set, or null when the type is not supported.
     */
    public static void inject(Class<? extends Annotation> marker, Class<?> type, Object instance, Function<Class<?>, Object> values)
            throws IllegalAccessException {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!f.isAnnotationPresent(marker)) continue;
                boolean isStatic = Modifier.isStatic(f.getModifiers());
                if (isStatic != (instance == null)) continue;
                if (Modifier.isFinal(f.getModifiers())) {
                    throw new ExtensionConfigurationException("@" + marker.getSimpleName() + " field " + f + " must not be final");
                }
                Object value = values.apply(f.getType());
                if (value == null) {
                    throw new ExtensionConfigurationException("@" + marker.getSimpleName() + " field " + f + " has a type it cannot fill");
                }
                f.setAccessible(true);
                f.set(instance, value);
            }
        }
    }
}
