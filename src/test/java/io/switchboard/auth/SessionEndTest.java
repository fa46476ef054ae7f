package io.switchboard.auth;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Signing out, and what a changed password ends: the other sessions, the personal tokens and their live sockets. */
@WithHub
class SessionEndTest {

  static TestHub hub;

  @Test
  @DisplayName("signing out with the session cookie but without X-CSRF-Token is refused (403) and the session lives on")
  void logoutNeedsTheCsrfToken() {
    ApiClient agent = hub.user("leaving@example.com", "agent");
    // what a page on another site could make the browser send: the cookie rides along, the token cannot
    HttpResponse<String> forged = post("/api/v1/auth/logout", "Cookie", agent.cookieHeader());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(forged.body()).getJsonObject("error").getString("code")).isEqualTo("forbidden");
    assertThat(forged.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("sb_session="));
    agent.get("/api/v1/me").expect(200);

    assertThat(agent.post("/api/v1/auth/logout", null).status()).isEqualTo(204);
    assertThat(agent.get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("signing out with a bearer token needs no CSRF token")
  void bearerLogoutNeedsNoCsrf() {
    ApiClient agent = hub.user("integrator@example.com", "agent");
    String token = agent.post("/api/v1/tokens", new JsonObject()).expect(201).json().getString("token");
    assertThat(post("/api/v1/auth/logout", "Authorization", "Bearer " + token).statusCode()).isEqualTo(204);
  }

  @Test
  @DisplayName("changing one's own password ends one's other sessions, tokens and their sockets; this session stays")
  void ownPasswordChange() {
    String email = "mover@example.com";
    ApiClient here = hub.user(email, "agent");
    ApiClient elsewhere = hub.login(email, TestHub.password(email));
    String token = here.post("/api/v1/tokens", new JsonObject()).expect(201).json().getString("token");
    try (LiveClient hereLive = LiveClient.agent(hub, here); LiveClient elsewhereLive = LiveClient.agent(hub, elsewhere)) {
      hereLive.awaitType("hello");
      elsewhereLive.awaitType("hello");

      here.patch("/api/v1/me", new JsonObject().put("password", "Brand-new-secret-42")
          .put("current_password", TestHub.password(email))).expect(200);

      assertThat(elsewhereLive.closeCode(Duration.ofSeconds(10))).isEqualTo(4401);
      assertThat(elsewhere.get("/api/v1/me").status()).isEqualTo(401);
      assertThat(ApiClient.bearer(hub.base(), token).get("/api/v1/me").status()).isEqualTo(401);
      // the one who changed it stays signed in, socket and all
      here.get("/api/v1/me").expect(200);
      hereLive.send(new JsonObject().put("op", "ping"));
      hereLive.awaitType("pong");
      assertThat(hereLive.isOpen()).isTrue();
    }
    hub.login(email, "Brand-new-secret-42").get("/api/v1/me").expect(200);
  }

  @Test
  @DisplayName("revoking a personal token closes the live sockets opened with it at once; another token's socket stays")
  void revokedTokenClosesItsSockets() {
    ApiClient user = hub.user("socket-token-owner@example.com", "agent");
    JsonObject first = user.post("/api/v1/tokens", new JsonObject().put("name", "crm")).expect(201).json();
    String second = user.post("/api/v1/tokens", new JsonObject().put("name", "wallboard")).expect(201).json().getString("token");
    try (LiveClient revoked = LiveClient.connect(hub.wsUrl("/live?access_token=" + first.getString("token")), Map.of(), true);
         LiveClient kept = LiveClient.connect(hub.wsUrl("/live?access_token=" + second), Map.of(), true)) {
      revoked.awaitType("hello");
      kept.awaitType("hello");
      user.delete("/api/v1/tokens/" + first.getLong("id")).expect(204);
      assertThat(revoked.closeCode(Duration.ofSeconds(10))).isEqualTo(4401);
      kept.send(new JsonObject().put("op", "ping"));
      kept.awaitType("pong");
      assertThat(kept.isOpen()).isTrue();
    }
  }

  @Test
  @DisplayName("a new password closes the sockets of the user's personal tokens too")
  void passwordChangeClosesTokenSockets() {
    String email = "socket-password-mover@example.com";
    ApiClient user = hub.user(email, "agent");
    String token = user.post("/api/v1/tokens", new JsonObject()).expect(201).json().getString("token");
    try (LiveClient live = LiveClient.connect(hub.wsUrl("/live?access_token=" + token), Map.of(), true)) {
      live.awaitType("hello");
      user.patch("/api/v1/me", new JsonObject().put("password", "Another-secret-42").put("current_password", TestHub.password(email)))
          .expect(200);
      assertThat(live.closeCode(Duration.ofSeconds(10))).isEqualTo(4401);
    }
  }

  @Test
  @DisplayName("an admin who sets their own password through /users/{id} stays signed in; their other sessions end")
  void adminOwnPasswordThroughUsers() {
    ApiClient admin = hub.user("boss@example.com", "admin");
    ApiClient other = hub.login("boss@example.com", TestHub.password("boss@example.com"));
    admin.patch("/api/v1/users/" + admin.userId(), new JsonObject().put("password", "Chief-new-secret-42")).expect(200);
    admin.get("/api/v1/me").expect(200);
    assertThat(other.get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("an admin's reset of someone's password ends all their sessions, their tokens and their sockets")
  void adminResetEndsSessionsAndTokens() {
    String email = "forgotten@example.com";
    ApiClient user = hub.user(email, "agent");
    String token = user.post("/api/v1/tokens", new JsonObject()).expect(201).json().getString("token");
    try (LiveClient live = LiveClient.agent(hub, user)) {
      live.awaitType("hello");
      hub.admin().patch("/api/v1/users/" + user.userId(), new JsonObject().put("password", "Reset-by-admin-42")).expect(200);
      assertThat(live.closeCode(Duration.ofSeconds(10))).isEqualTo(4401);
    }
    assertThat(user.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(ApiClient.bearer(hub.base(), token).get("/api/v1/me").status()).isEqualTo(401);
    hub.login(email, "Reset-by-admin-42").get("/api/v1/me").expect(200);
  }

  private static HttpResponse<String> post(String path, String header, String value) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(hub.base() + path)).header(header, value)
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
