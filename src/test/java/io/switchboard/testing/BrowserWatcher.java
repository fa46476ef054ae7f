package io.switchboard.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.function.Supplier;

/**
 * On a failed browser test, keeps what the browser showed: a screenshot under target/screenshots/failed-…png and,
 * in the test output, the page's text and its script errors.
 */
public final class BrowserWatcher implements TestWatcher {

  private final Supplier<Browser> browser;

  public BrowserWatcher(Supplier<Browser> browser) {
    this.browser = browser;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Browser b = browser.get();
    if (b == null) return;
    try {
      String name = "failed-" + context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
      System.out.println("browser screenshot: " + b.screenshot(name).toAbsolutePath());
      System.out.println("browser URL: " + b.driver.getCurrentUrl());
      System.out.println("page errors: " + b.pageErrors());
      System.out.println("page text:\n" + b.find("body").getText());
    } catch (RuntimeException e) {
      System.out.println("could not capture the browser: " + e);
    }
  }
}
