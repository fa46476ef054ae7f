package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import org.junit.jupiter.api.Assumptions;

/**
 * Some screens sit on APIs other features deliver. Until those land, the tests of those screens are skipped with
 * the reason, exactly where the app itself shows "not available".
 */
final class ApiAvailability {

  private ApiAvailability() {
  }

  /** True when the hub routes this path (anything but the router's own "resource not found" or 405). */
  static boolean available(TestHub hub, String path) {
    ApiClient.Response r = hub.admin().get(path);
    boolean missing = r.status() == 405 || (r.status() == 404 && "resource not found".equals(
        r.json().getJsonObject("error") == null ? null : r.json().getJsonObject("error").getString("message")));
    return !missing;
  }

  static void assume(TestHub hub, String path, String whyNot) {
    Assumptions.assumeTrue(available(hub, path), whyNot);
  }
}
