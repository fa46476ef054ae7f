package io.switchboard.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One {@link TestHub} for the whole test class: started before the class's {@code @BeforeAll} methods, set into
 * the class's static {@code TestHub} field, closed after its {@code @AfterAll} methods.
 *
 * <pre>
 * &#64;WithHub({"outbox.max_attempts=2", "outbox.backoff_ms=100"})
 * class RepliesTest {
 *   static TestHub hub;
 * </pre>
 *
 * Each entry changes one configuration key from the test defaults, as {@code key=value}; the value is read as the
 * key's type, as an environment variable would be. Keys known only when the hub starts (a fake server's address, a
 * database prepared beforehand) come from a {@link HubConfig} method. A test that needs a hub of its own (a restart,
 * a second node on the same database) starts it with {@link TestHub#start(java.util.Map)} as before.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(HubExtension.class)
public @interface WithHub {

  /** Configuration overrides, each {@code key=value}. */
  String[] value() default {};
}
