package io.switchboard.web;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;

/**
 * Some screens sit on APIs other features deliver. Until those land, the tests of those screens are skipped with
 * the reason, exactly where the app itself shows "not available".
 */
final class ApiAvailability {

  private ApiAvailability() {
  }

  /**
   * True when the hub routes this method and path (anything but the router's own "resource not found"). Probe
   * writes with ids that do not exist, so the probe itself changes nothing.
   */
  static boolean available(TestHub hub, String method, String path) {
    boolean read = method.equals("GET");
    ApiClient.Response r = hub.admin().send(method, path, read ? null : "{}", read ? null : "application/json");
    JsonObject error = r.status() == 404 ? r.json().getJsonObject("error") : null;
    return !(error != null && "resource not found".equals(error.getString("message")));
  }

  static void assume(TestHub hub, String path, String whyNot) {
    assume(hub, "GET", path, whyNot);
  }

  static void assume(TestHub hub, String method, String path, String whyNot) {
    Assumptions.assumeTrue(available(hub, method, path), whyNot);
  }
}
