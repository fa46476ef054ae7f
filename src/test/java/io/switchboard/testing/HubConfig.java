package io.switchboard.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static, parameterless method of a {@link WithHub} class that returns more configuration overrides
 * ({@code Map<String, ?>}, typed as for {@link TestHub#start(java.util.Map)}), for values known only when the hub
 * starts. It is called just before the hub starts, after the class's static fields are set; its keys win over the
 * annotation's.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HubConfig {
}
