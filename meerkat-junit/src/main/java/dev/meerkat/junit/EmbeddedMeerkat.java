package dev.meerkat.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An embedded Meerkat for this test class, as {@code @ExtendWith(MeerkatExtension.class)} gives,
 * with a choice of lifecycle:
 * <pre>{@code
 * @EmbeddedMeerkat(lifecycle = Lifecycle.PER_METHOD)    // a fresh, empty server for every test
 * class SessionTest {
 *     @InjectMeerkat String connectString;
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MeerkatExtension.class)
public @interface EmbeddedMeerkat {
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;
}
