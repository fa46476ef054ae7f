package io.switchboard.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** What {@link WithBrowser} does: one browser per test class, on the class's hub, kept as evidence when a test fails. */
public final class BrowserExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BrowserExtension.class);
  private static final String KEY = "browser";

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Browser browser = browser(context);
    if (browser == null) {
      TestHub hub = HubExtension.hub(context);
      if (hub == null) {
        throw new ExtensionConfigurationException("@WithBrowser on " + context.getRequiredTestClass().getName()
            + " needs the class's hub: put @WithHub before it");
      }
      browser = Browser.start(hub.base());
      context.getStore(NAMESPACE).put(KEY, browser);
    }
    HubExtension.StaticFields.set(context.getRequiredTestClass(), Browser.class, browser, "@WithBrowser");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Browser browser = context.getStore(NAMESPACE).remove(KEY, Browser.class);
    if (browser != null) browser.close();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    new BrowserWatcher(() -> browser(context)).testFailed(context, cause);
  }

  private static Browser browser(ExtensionContext context) {
    return context.getStore(NAMESPACE).get(KEY, Browser.class);
  }
}
