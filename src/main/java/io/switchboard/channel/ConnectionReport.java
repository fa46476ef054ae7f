package io.switchboard.channel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a connection test of an endpoint's settings found: named checks in the order they ran, each passed or
 * failed with a message in plain words (what worked, or what did not and what to change). Messages never carry a
 * secret. The test as a whole passed when every check did.
 */
public final class ConnectionReport {

  /** One step of a test: {@code name} is short ("IMAP login"), {@code message} a sentence. */
  public record Check(String name, boolean ok, String message) {
    JsonObject json() {
      return new JsonObject().put("name", name).put("ok", ok).put("message", message);
    }
  }

  private final List<Check> checks = Collections.synchronizedList(new ArrayList<>());

  public static ConnectionReport of(String name, boolean ok, String message) {
    return new ConnectionReport().add(name, ok, message);
  }

  public ConnectionReport add(String name, boolean ok, String message) {
    checks.add(new Check(name, ok, message));
    return this;
  }

  /** Adds the checks of another test after this one's. */
  public ConnectionReport addAll(ConnectionReport other) {
    checks.addAll(other.checks());
    return this;
  }

  public List<Check> checks() {
    synchronized (checks) {
      return List.copyOf(checks);
    }
  }

  public boolean ok() {
    List<Check> all = checks();
    return !all.isEmpty() && all.stream().allMatch(Check::ok);
  }

  /** {@code {"ok", "checks": [{"name","ok","message"}]}}. */
  public JsonObject json() {
    JsonArray out = new JsonArray();
    checks().forEach(c -> out.add(c.json()));
    return new JsonObject().put("ok", ok()).put("checks", out);
  }
}
