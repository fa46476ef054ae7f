package io.switchboard.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A real HTTP client for the hub's API, as a browser (session cookie + CSRF token) or an integration (bearer
 * token) would use it. Blocking: tests call it from their own thread.
 */
public final class ApiClient {

  public record Response(int status, String body, HttpResponse<String> raw) {
    public JsonObject json() {
      return body == null || body.isEmpty() ? new JsonObject() : new JsonObject(body);
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    public String errorCode() {
      JsonObject e = json().getJsonObject("error");
      return e == null ? null : e.getString("code");
    }

    public String errorField() {
      JsonObject e = json().getJsonObject("error");
      return e == null ? null : e.getString("field");
    }

    /** Fails the test, showing the body, unless the status is the expected one. */
    public Response expect(int expected) {
      if (status != expected) throw new AssertionError("expected HTTP " + expected + " but got " + this);
      return this;
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final String base;
  private final HttpClient http;
  private final CookieManager cookies = new CookieManager();
  private String csrf;
  private String bearer;
  public JsonObject user;

  public ApiClient(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
  }

  public static ApiClient login(String base, String email, String password) {
    ApiClient c = new ApiClient(base);
    Response r = c.post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password));
    if (r.status() != 200) throw new IllegalStateException("login failed: " + r);
    c.csrf = r.json().getString("csrf_token");
    c.user = r.json().getJsonObject("user");
    return c;
  }

  public static ApiClient bearer(String base, String token) {
    ApiClient c = new ApiClient(base);
    c.bearer = token;
    return c;
  }

  public String base() {
    return base;
  }

  public long userId() {
    return user.getLong("id");
  }

  /** The session cookie header value, for a WebSocket client. */
  public String cookieHeader() {
    StringBuilder sb = new StringBuilder();
    cookies.getCookieStore().getCookies().forEach(c -> {
      if (sb.length() > 0) sb.append("; ");
      sb.append(c.getName()).append('=').append(c.getValue());
    });
    return sb.toString();
  }

  public void dropCsrf() {
    csrf = null;
  }

  public Response get(String path) {
    return send("GET", path, null, null);
  }

  public Response post(String path, JsonObject body) {
    return send("POST", path, body == null ? null : body.encode(), "application/json");
  }

  public Response postRaw(String path, String body, String contentType) {
    return send("POST", path, body, contentType);
  }

  public Response patch(String path, JsonObject body) {
    return send("PATCH", path, body.encode(), "application/json");
  }

  public Response put(String path) {
    return send("PUT", path, null, null);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, null);
  }

  public Response send(String method, String path, String body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) b.header("Content-Type", contentType);
    if (csrf != null) b.header("X-CSRF-Token", csrf);
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    try {
      HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      ApiContract.observe(method, path, res);
      return new Response(res.statusCode(), res.body(), res);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }
}
