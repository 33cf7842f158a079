package dev.meerkat.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field or parameter that {@link MeerkatExtension} fills with the class's embedded server:
 * type {@link dev.meerkat.server.Meerkat} for the server, {@code String} for its connect string
 * ({@code 127.0.0.1:port}). Static fields are filled before {@code @BeforeAll} methods run (with
 * {@link Lifecycle#PER_METHOD}: before each test, with that test's server), instance fields before each test.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface InjectMeerkat {
}
