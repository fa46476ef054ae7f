package io.switchboard.auth;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class AuthTest {

  static TestHub hub;

  @Test
  @DisplayName("the first start creates admin@localhost; signing in sets an HttpOnly session cookie and returns a CSRF token")
  void adminSignsIn() {
    ApiClient c = new ApiClient(hub.base());
    Response r = c.post("/api/v1/auth/login", new JsonObject().put("email", "ADMIN@localhost").put("password", TestHub.ADMIN_PASSWORD));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("csrf_token")).isNotBlank();
    assertThat(r.json().getJsonObject("user").getString("role")).isEqualTo("admin");
    assertThat(r.json().getJsonObject("user").getJsonArray("permissions").getList()).contains("settings.manage");
    String cookie = r.raw().headers().firstValue("set-cookie").orElseThrow();
    assertThat(cookie.toLowerCase()).as(cookie).contains("sb_session=").contains("httponly").contains("samesite=lax");
    assertThat(r.body()).doesNotContain("password_hash");
  }

  @Test
  @DisplayName("a wrong password is 401 and says nothing about whether the e-mail exists")
  void wrongPassword() {
    ApiClient c = new ApiClient(hub.base());
    Response wrong = c.post("/api/v1/auth/login", new JsonObject().put("email", "admin@localhost").put("password", "nope-nope"));
    Response unknown = c.post("/api/v1/auth/login", new JsonObject().put("email", "ghost@localhost").put("password", "nope-nope"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.json().getJsonObject("error").getString("message"))
        .isEqualTo(unknown.json().getJsonObject("error").getString("message"));
  }

  @Test
  @DisplayName("failed sign-ins count on every node sharing the database: a second node behind the balancer refuses too")
  void loginLimitIsSharedByNodes() {
    hub.user("roamer@example.com", "agent");
    try (TestHub other = TestHub.start(java.util.Map.of("db.url", hub.dbUrl))) {
      ApiClient viaA = new ApiClient(hub.base());
      for (int i = 0; i < 10; i++) {
        assertThat(viaA.post("/api/v1/auth/login", new JsonObject().put("email", "roamer@example.com").put("password", "guess-" + i))
            .status()).isEqualTo(401);
      }
      Response viaB = new ApiClient(other.base()).post("/api/v1/auth/login", new JsonObject().put("email", "roamer@example.com")
          .put("password", TestHub.password("roamer@example.com")));
      assertThat(viaB.status()).isEqualTo(429);
      assertThat(viaB.raw().headers().firstValue("retry-after")).isPresent();
    }
  }

  @Test
  @DisplayName("repeated failed sign-ins are answered 429 with Retry-After, even with the right password")
  void loginIsRateLimited() {
    hub.user("victim@example.com", "agent");
    ApiClient c = new ApiClient(hub.base());
    for (int i = 0; i < 10; i++) {
      assertThat(c.post("/api/v1/auth/login", new JsonObject().put("email", "victim@example.com").put("password", "guess-" + i)).status())
          .isEqualTo(401);
    }
    Response limited = c.post("/api/v1/auth/login", new JsonObject().put("email", "victim@example.com")
        .put("password", TestHub.password("victim@example.com")));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
    assertThat(limited.raw().headers().firstValue("retry-after")).isPresent();
  }

  @Test
  @DisplayName("cookie-authenticated writes need the X-CSRF-Token header; reads do not")
  void csrfIsRequiredForWrites() {
    ApiClient c = hub.login(TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    c.dropCsrf();
    assertThat(c.get("/api/v1/me").status()).isEqualTo(200);
    Response r = c.post("/api/v1/inboxes", new JsonObject().put("name", "csrf-less"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(hub.admin().get("/api/v1/inboxes?q=csrf-less").items()).isEmpty();
  }

  @Test
  @DisplayName("no credentials is 401 on every API call")
  void anonymousIsRefused() {
    ApiClient anon = new ApiClient(hub.base());
    for (String path : new String[] {"/api/v1/me", "/api/v1/inboxes", "/api/v1/users", "/api/v1/conversations"}) {
      Response r = anon.get(path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo("unauthorized");
    }
  }

  @Test
  @DisplayName("a personal token acts as its user without cookies or CSRF, and stops working when revoked")
  void bearerTokens() {
    ApiClient agent = hub.user("tokens@example.com", "agent");
    Response made = agent.post("/api/v1/tokens", new JsonObject().put("name", "crm sync"));
    assertThat(made.status()).isEqualTo(201);
    String token = made.json().getString("token");
    ApiClient integration = ApiClient.bearer(hub.base(), token);
    Response me = integration.get("/api/v1/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getJsonObject("user").getString("email")).isEqualTo("tokens@example.com");
    assertThat(me.json().containsKey("csrf_token")).isFalse();
    // the agent's permissions, not more
    assertThat(integration.post("/api/v1/inboxes", new JsonObject().put("name", "by token")).status()).isEqualTo(403);
    assertThat(agent.delete("/api/v1/tokens/" + made.json().getLong("id")).status()).isEqualTo(204);
    assertThat(integration.get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("signing out ends the session: the cookie no longer works")
  void logout() {
    ApiClient c = hub.login(TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    String cookie = c.cookieHeader();
    assertThat(c.post("/api/v1/auth/logout", null).status()).isEqualTo(204);
    ApiClient replay = new ApiClient(hub.base());
    Response r = replay.send("GET", "/api/v1/me", null, null);
    assertThat(r.status()).isEqualTo(401);
    HttpResponse<String> withOld = raw(cookie);
    assertThat(withOld.statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a deactivated user cannot sign in and their sessions and tokens stop at once")
  void deactivation() {
    ApiClient agent = hub.user("leaver@example.com", "agent");
    String token = agent.post("/api/v1/tokens", new JsonObject()).json().getString("token");
    assertThat(hub.admin().delete("/api/v1/users/" + agent.userId()).status()).isEqualTo(204);
    assertThat(agent.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(ApiClient.bearer(hub.base(), token).get("/api/v1/me").status()).isEqualTo(401);
    Response again = new ApiClient(hub.base()).post("/api/v1/auth/login",
        new JsonObject().put("email", "leaver@example.com").put("password", TestHub.password("leaver@example.com")));
    assertThat(again.status()).isEqualTo(401);
    assertThat(hub.admin().get("/api/v1/users/" + agent.userId()).json().getBoolean("active")).isFalse();
  }

  @Test
  @DisplayName("the last admin cannot be demoted or deactivated; users cannot change their own role")
  void lastAdminStays() {
    Response demote = hub.admin().patch("/api/v1/users/" + hub.admin().userId(), new JsonObject().put("role", "agent"));
    assertThat(demote.status()).isEqualTo(409);
    ApiClient agent = hub.user("climber@example.com", "agent");
    assertThat(agent.patch("/api/v1/users/" + agent.userId(), new JsonObject().put("role", "admin")).status()).isEqualTo(403);
    agent.patch("/api/v1/users/" + agent.userId(), new JsonObject().put("name", "Climber")).expect(200);
  }

  @Test
  @DisplayName("user input is validated: unknown role, bad e-mail, short password, duplicate e-mail")
  void userValidation() {
    ApiClient admin = hub.admin();
    Response role = admin.post("/api/v1/users", new JsonObject().put("email", "r@example.com").put("name", "R")
        .put("role", "overlord").put("password", "long-enough"));
    assertThat(role.status()).isEqualTo(400);
    assertThat(role.errorField()).isEqualTo("role");
    Response email = admin.post("/api/v1/users", new JsonObject().put("email", "not-an-email").put("name", "R")
        .put("role", "agent").put("password", "long-enough"));
    assertThat(email.errorField()).isEqualTo("email");
    Response pw = admin.post("/api/v1/users", new JsonObject().put("email", "r@example.com").put("name", "R")
        .put("role", "agent").put("password", "short"));
    assertThat(pw.errorField()).isEqualTo("password");
    Response type = admin.post("/api/v1/users", new JsonObject().put("email", 42).put("name", "R")
        .put("role", "agent").put("password", "long-enough"));
    assertThat(type.status()).isEqualTo(400);
    assertThat(type.errorField()).isEqualTo("email");
    hub.user("dup@example.com", "agent");
    Response dup = admin.post("/api/v1/users", new JsonObject().put("email", "DUP@example.com").put("name", "D")
        .put("role", "agent").put("password", "long-enough"));
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.errorField()).isEqualTo("email");
  }

  private static HttpResponse<String> raw(String cookie) {
    try {
      var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.base() + "/api/v1/me")).header("Cookie", cookie).build();
      return java.net.http.HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
