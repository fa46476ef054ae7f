package io.switchboard.testing;

import io.switchboard.Switchboard;
import io.switchboard.config.Config;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole hub, started in-process on a fresh database and free ports, with helpers that do what an admin would
 * do through the API. Tests talk to it only over HTTP and WebSocket.
 */
public final class TestHub implements AutoCloseable {

  public static final String ADMIN_EMAIL = "admin@localhost";
  public static final String ADMIN_PASSWORD = "Hub-Test-Sign-In-7";

  public final Switchboard switchboard;
  public final String dbUrl;
  public final Path dataDir;
  private ApiClient admin;

  private TestHub(Switchboard s, String dbUrl, Path dataDir) {
    this.switchboard = s;
    this.dbUrl = dbUrl;
    this.dataDir = dataDir;
  }

  public static TestHub start() {
    return start(Map.of());
  }

  /** Starts a hub with the test defaults and some configuration keys changed. */
  public static TestHub start(Map<String, ?> overrides) {
    try {
      Path data = Files.createTempDirectory("sb-test-data");
      String url = TestDatabase.fresh();
      Map<String, Object> cfg = new HashMap<>();
      cfg.put("db.url", url);
      cfg.put("http.port", 0);
      cfg.put("http.host", "127.0.0.1");
      cfg.put("smtp.port", 0);
      cfg.put("smtp.host", "127.0.0.1");
      cfg.put("http.instances", 2);
      cfg.put("db.pool_size", 8);
      cfg.put("data.dir", data.toString());
      cfg.put("admin.password", ADMIN_PASSWORD);
      cfg.putAll(overrides);
      Switchboard s = Switchboard.start(Config.of(cfg));
      return new TestHub(s, url, data);
    } catch (Exception e) {
      throw new IllegalStateException("hub did not start", e);
    }
  }

  public String base() {
    return "http://127.0.0.1:" + switchboard.httpPort();
  }

  public String wsUrl(String path) {
    return "ws://127.0.0.1:" + switchboard.httpPort() + path;
  }

  public synchronized ApiClient admin() {
    if (admin == null) admin = ApiClient.login(base(), ADMIN_EMAIL, ADMIN_PASSWORD);
    return admin;
  }

  public ApiClient login(String email, String password) {
    return ApiClient.login(base(), email, password);
  }

  /** Creates an inbox as the admin (who becomes its member); returns its id. */
  public long inbox(String name) {
    ApiClient.Response r = admin().post("/api/v1/inboxes", new JsonObject().put("name", name));
    check(r, 201);
    return r.json().getLong("id");
  }

  /** Creates a user and returns a client signed in as them. */
  public ApiClient user(String email, String role) {
    ApiClient.Response r = admin().post("/api/v1/users", new JsonObject().put("email", email).put("name", email.split("@")[0])
        .put("role", role).put("password", password(email)));
    check(r, 201);
    return login(email, password(email));
  }

  /** The password {@link #user} gives a user: unique per e-mail, and one the hub's password rules accept. */
  public static String password(String email) {
    return "Zq7!" + Integer.toHexString(email.hashCode()) + "-kW2";
  }

  public void member(long inbox, long userId) {
    ApiClient.Response r = admin().put("/api/v1/inboxes/" + inbox + "/members/" + userId);
    if (r.status() != 201 && r.status() != 200) throw new IllegalStateException(r.toString());
  }

  public void removeMember(long inbox, long userId) {
    check(admin().delete("/api/v1/inboxes/" + inbox + "/members/" + userId + "?confirm=true"), 204);
  }

  /** An API-channel endpoint on the inbox: {key, secret, id}. */
  public JsonObject apiEndpoint(long inbox, String callbackUrl) {
    JsonObject settings = new JsonObject();
    if (callbackUrl != null) settings.put("callback_url", callbackUrl);
    ApiClient.Response r = admin().post("/api/v1/inboxes/" + inbox + "/endpoints",
        new JsonObject().put("channel", "api").put("settings", settings));
    check(r, 201);
    return r.json();
  }

  /** Posts a message to the API channel as an integration would. */
  public ApiClient.Response ingestApi(JsonObject endpoint, String from, String text, String externalId) {
    ApiClient c = ApiClient.bearer(base(), endpoint.getString("secret"));
    JsonObject body = new JsonObject().put("from", from).put("name", "Customer " + from).put("text", text);
    if (externalId != null) body.put("external_id", externalId);
    return c.post("/hooks/api/" + endpoint.getString("key"), body);
  }

  public static void check(ApiClient.Response r, int status) {
    if (r.status() != status) throw new IllegalStateException("expected " + status + " but got " + r);
  }

  @Override
  public void close() {
    switchboard.stop();
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp files; the OS cleans up
    }
  }
}
