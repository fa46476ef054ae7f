package io.switchboard.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One headless Chromium ({@link Browser#start}) for the whole test class, on the class's hub: put it after
 * {@link WithHub}. The browser is set into the class's static {@code Browser} field before the class's
 * {@code @BeforeAll} methods run and closed after its {@code @AfterAll} methods; when a test fails, what the page
 * showed is kept ({@link BrowserWatcher}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BrowserExtension.class)
public @interface WithBrowser {
}
