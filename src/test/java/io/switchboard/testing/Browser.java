package io.switchboard.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * A real browser for tests: Debian's headless Chromium driven by chromedriver through Selenium, on a fresh
 * profile each time. Waits are explicit and generous; what the page logs as an error (a script error, a
 * Content-Security-Policy violation) can be read back with {@link #pageErrors()}.
 */
public final class Browser implements AutoCloseable {

  public static final String CHROMIUM = System.getProperty("browser.chromium", "/usr/bin/chromium");
  public static final String CHROMEDRIVER = System.getProperty("browser.chromedriver", "/usr/bin/chromedriver");
  /** Where {@link #screenshot} writes, for people to look at after a build. */
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  /** Waits look often, so a test that measures how soon something shows is not measuring the poll. */
  private static final Duration POLL = Duration.ofMillis(40);

  /** Selenium warns on every start that it has no DevTools bindings for this exact Chromium; we do not use them. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

  static {
    QUIET.setLevel(Level.SEVERE);
  }

  private static final String CATCH_ERRORS = """
      window.__pageErrors = [];
      window.addEventListener('error', e => window.__pageErrors.push('uncaught: ' + (e.error && e.error.stack || e.message)));
      window.addEventListener('unhandledrejection', e => window.__pageErrors.push('unhandled rejection: '
        + (e.reason && e.reason.stack || e.reason)));
      document.addEventListener('securitypolicyviolation', e => window.__pageErrors.push('CSP violation: '
        + e.violatedDirective + ' ' + e.blockedURI));
      """;

  public final ChromeDriver driver;
  private final String base;
  private final Path profile;

  private Browser(ChromeDriver driver, String base, Path profile) {
    this.driver = driver;
    this.base = base;
    this.profile = profile;
  }

  /** Starts a browser whose relative URLs resolve against {@code base} (e.g. the hub's http://127.0.0.1:port). */
  public static Browser start(String base) {
    if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
      throw new IllegalStateException("browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
          + ": apt-get install -y chromium chromium-driver (.ci/run does this)");
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("sb-chromium");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--window-size=1440,900", "--lang=en-US", "--user-data-dir=" + profile.toAbsolutePath());
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    // uncaught errors and rejected promises do not always reach the console log: keep them on the page as well
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", java.util.Map.of("source", CATCH_ERRORS));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    return new Browser(driver, base, profile);
  }

  public String base() {
    return base;
  }

  /** Opens a path of the base URL (or an absolute URL). */
  public Browser open(String path) {
    driver.get(path.startsWith("http") ? path : base + path);
    return this;
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** The visible text of the first element matching (found again if the page re-rendered it meanwhile). */
  public String text(String css) {
    return new WebDriverWait(driver, Duration.ofSeconds(5), POLL).withMessage(() -> "no element " + css)
        .ignoring(StaleElementReferenceException.class).ignoring(org.openqa.selenium.NoSuchElementException.class)
        .until(d -> d.findElement(By.cssSelector(css)).getText());
  }

  /** An attribute of the first element matching (found again if the page re-rendered it meanwhile). */
  public String attribute(String css, String name) {
    return new WebDriverWait(driver, Duration.ofSeconds(5), POLL).withMessage(() -> "no element " + css)
        .ignoring(StaleElementReferenceException.class).ignoring(org.openqa.selenium.NoSuchElementException.class)
        .until(d -> String.valueOf(d.findElement(By.cssSelector(css)).getAttribute(name)));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public boolean present(String css) {
    return !driver.findElements(By.cssSelector(css)).isEmpty();
  }

  /** Waits until a visible element matches, then returns it. */
  public WebElement await(String css) {
    return await(css, Duration.ofSeconds(15));
  }

  public WebElement await(String css, Duration timeout) {
    return new WebDriverWait(driver, timeout, POLL).withMessage(() -> "no visible element " + css)
        .ignoring(StaleElementReferenceException.class)
        .until(d -> {
          for (WebElement e : d.findElements(By.cssSelector(css))) if (e.isDisplayed()) return e;
          return null;
        });
  }

  /** Waits until an element matches whose visible text contains {@code text}. */
  public WebElement awaitText(String css, String text) {
    return awaitText(css, text, Duration.ofSeconds(15));
  }

  public WebElement awaitText(String css, String text, Duration timeout) {
    return new WebDriverWait(driver, timeout, POLL).withMessage(() -> "no element " + css + " showing \"" + text + "\"")
        .ignoring(StaleElementReferenceException.class)
        .until(d -> {
          for (WebElement e : d.findElements(By.cssSelector(css))) if (e.getText().contains(text)) return e;
          return null;
        });
  }

  /** Waits until something the page shows holds, with a generous bound. */
  public void until(String what, Duration timeout, Supplier<Boolean> condition) {
    new WebDriverWait(driver, timeout, POLL).withMessage(() -> "not within " + timeout.toMillis() + " ms: " + what)
        .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
        .until(d -> condition.get());
  }

  public void until(String what, Supplier<Boolean> condition) {
    until(what, Duration.ofSeconds(15), condition);
  }

  /**
   * Clicks the first visible element matching, once it is there. A live page re-renders as events arrive, so an
   * element that went stale between finding and clicking is found again.
   */
  public void click(String css) {
    new WebDriverWait(driver, Duration.ofSeconds(15), POLL).withMessage(() -> "could not click " + css)
        .ignoring(StaleElementReferenceException.class).ignoring(ElementClickInterceptedException.class)
        .until(d -> {
          await(css).click();
          return true;
        });
  }

  /** Replaces the value of an input or textarea, as typing would. */
  public void type(String css, String text) {
    new WebDriverWait(driver, Duration.ofSeconds(15), POLL).withMessage(() -> "could not type into " + css)
        .ignoring(StaleElementReferenceException.class)
        .until(d -> {
          WebElement e = await(css);
          e.clear();
          e.sendKeys(text);
          return true;
        });
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Saves a PNG of what the page shows now under target/screenshots/{name}.png. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path to = SCREENSHOTS.resolve(name + ".png");
      Files.write(to, driver.getScreenshotAs(OutputType.BYTES));
      return to;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when a JavaScript alert, confirm or prompt is open. */
  public boolean alertOpen() {
    try {
      driver.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  /**
   * Errors the page logged since the last call: script errors and Content-Security-Policy violations. Failed
   * requests (a 401 before signing in, a 404 for an API that is not there, a socket while the network is down)
   * are expected and left out.
   */
  @SuppressWarnings("unchecked")
  public List<String> pageErrors() {
    List<String> out = new ArrayList<>();
    Object caught = js("const e = window.__pageErrors || []; window.__pageErrors = []; return e;");
    if (caught instanceof List<?> list) list.forEach(x -> out.add(String.valueOf(x)));
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      String m = e.getMessage();
      if (e.getLevel().intValue() < Level.SEVERE.intValue()) continue;
      if (m.contains("Failed to load resource") || m.matches("(?s).*WebSocket connection to .* failed.*")) continue;
      out.add(m);
    }
    return out;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp folder; the OS cleans up
      }
    }
  }
}
