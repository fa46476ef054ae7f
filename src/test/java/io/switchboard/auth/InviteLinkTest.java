package io.switchboard.auth;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Invite links: a user created without a password chooses one through a single-use, expiring link. */
@WithHub("auth.invite_ttl_hours=48")
class InviteLinkTest {

  static TestHub hub;

  @Test
  @DisplayName("an invited user has no password until they set one through the link; the link works once and signs them in")
  void inviteSetsPasswordOnce() throws Exception {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Invite Desk");
    JsonObject created = admin.post("/api/v1/users", new JsonObject().put("email", "ines@invite.example").put("name", "Ines Invited")
        .put("role", "agent").put("invite", true).put("inbox_ids", new JsonArray().add(inbox)).put("default_inbox_id", inbox))
        .expect(201).json();
    assertThat(created.getString("status")).isEqualTo("invited");
    JsonObject invite = created.getJsonObject("invite");
    String url = invite.getString("url");
    assertThat(url).startsWith("http://localhost:8080/#/invite/");
    // no outgoing mail server in this workspace: the admin passes the link on
    assertThat(invite.getBoolean("emailed")).isFalse();
    long hoursLeft = java.time.Duration.between(java.time.Instant.now(), java.time.Instant.parse(invite.getString("expires_at"))).toHours();
    assertThat(hoursLeft).isBetween(46L, 48L);
    String token = url.substring(url.lastIndexOf('/') + 1);
    assertThat(admin.get("/api/v1/users/" + created.getLong("id")).json().containsKey("invite")).isFalse();

    // only the token's hash is stored
    try (Connection c = TestDatabase.connect(hub.dbUrl);
         PreparedStatement q = c.prepareStatement("SELECT token_hash, t::text AS row FROM user_invite t WHERE user_id = ?")) {
      q.setLong(1, created.getLong("id"));
      ResultSet rs = q.executeQuery();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBytes("token_hash")).isEqualTo(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
      assertThat(rs.getString("row")).doesNotContain(token);
    }

    ApiClient anonymous = new ApiClient(hub.base());
    assertThat(anonymous.post("/api/v1/auth/login", new JsonObject().put("email", "ines@invite.example").put("password", "")).status())
        .isIn(400, 401);
    JsonObject shown = anonymous.get("/api/v1/invites/" + token).expect(200).json();
    assertThat(shown.getString("state")).isEqualTo("open");
    assertThat(shown.getString("email")).isEqualTo("ines@invite.example");
    assertThat(shown.getString("name")).isEqualTo("Ines Invited");

    // the password rules apply, and a refused password leaves the link open
    assertThat(anonymous.post("/api/v1/invites/" + token + "/accept", new JsonObject().put("password", "password")).expect(400).errorField())
        .isEqualTo("password");
    assertThat(anonymous.post("/api/v1/invites/" + token + "/accept", new JsonObject().put("password", "ines-Secret-42")).expect(400)
        .json().getJsonObject("error").getString("message")).contains("e-mail");
    assertThat(anonymous.post("/api/v1/invites/" + token + "/accept", new JsonObject().put("password", "short")).expect(400).errorField())
        .isEqualTo("password");
    assertThat(anonymous.get("/api/v1/invites/" + token).json().getString("state")).isEqualTo("open");

    JsonObject signedIn = anonymous.post("/api/v1/invites/" + token + "/accept", new JsonObject().put("password", "Marigold-Lantern-58"))
        .expect(200).json();
    assertThat(signedIn.getString("csrf_token")).isNotBlank();
    assertThat(signedIn.getJsonObject("user").getLong("default_inbox_id")).isEqualTo(inbox);
    // the session it started is a real one
    assertThat(anonymous.get("/api/v1/me").expect(200).json().getJsonObject("user").getString("email")).isEqualTo("ines@invite.example");
    assertThat(admin.get("/api/v1/users/" + created.getLong("id")).json().getString("status")).isEqualTo("active");
    hub.login("ines@invite.example", "Marigold-Lantern-58");

    // single use
    ApiClient again = new ApiClient(hub.base());
    assertThat(again.post("/api/v1/invites/" + token + "/accept", new JsonObject().put("password", "Another-Lantern-77")).status())
        .isEqualTo(409);
    JsonObject used = again.get("/api/v1/invites/" + token).expect(200).json();
    assertThat(used.getString("state")).isEqualTo("used");
    assertThat(used.containsKey("email")).isFalse();
    hub.login("ines@invite.example", "Marigold-Lantern-58");

    assertThat(admin.get("/api/v1/audit?limit=50").expect(200).items().stream().map(o -> (JsonObject) o)
        .anyMatch(e -> e.getString("action").equals("user.invite_accepted") && e.getLong("target_id").equals(created.getLong("id"))
            && e.getLong("actor_id").equals(created.getLong("id")))).isTrue();
    // an invite for one who has a password now is refused
    assertThat(admin.post("/api/v1/users/" + created.getLong("id") + "/invite", null).status()).isEqualTo(409);
  }

  @Test
  @DisplayName("an expired link says so and works no more; a new link replaces the old one")
  void expiredAndReplaced() throws Exception {
    ApiClient admin = hub.admin();
    JsonObject created = admin.post("/api/v1/users", new JsonObject().put("email", "late@invite.example").put("name", "Lee Late")
        .put("role", "agent").put("invite", true)).expect(201).json();
    long id = created.getLong("id");
    String first = token(created.getJsonObject("invite"));
    try (Connection c = TestDatabase.connect(hub.dbUrl);
         PreparedStatement q = c.prepareStatement("UPDATE user_invite SET expires_at = now() - interval '1 minute' WHERE user_id = ?")) {
      q.setLong(1, id);
      assertThat(q.executeUpdate()).isEqualTo(1);
    }
    ApiClient anonymous = new ApiClient(hub.base());
    JsonObject expired = anonymous.get("/api/v1/invites/" + first).expect(200).json();
    assertThat(expired.getString("state")).isEqualTo("expired");
    assertThat(expired.containsKey("email")).isFalse();
    ApiClient.Response late = anonymous.post("/api/v1/invites/" + first + "/accept", new JsonObject().put("password", "Harbour-Quill-31"));
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.body()).contains("expired");

    String second = token(admin.post("/api/v1/users/" + id + "/invite", null).expect(201).json().getJsonObject("invite"));
    String third = token(admin.post("/api/v1/users/" + id + "/invite", null).expect(201).json().getJsonObject("invite"));
    assertThat(anonymous.get("/api/v1/invites/" + second).json().getString("state")).isEqualTo("expired");
    anonymous.post("/api/v1/invites/" + third + "/accept", new JsonObject().put("password", "Harbour-Quill-31")).expect(200);
    hub.login("late@invite.example", "Harbour-Quill-31");
  }

  @Test
  @DisplayName("a token that names no link is 404; a user needs a password or an invite, not both; only admins invite")
  void refusals() {
    ApiClient anonymous = new ApiClient(hub.base());
    assertThat(anonymous.get("/api/v1/invites/not-a-real-token-at-all").status()).isEqualTo(404);
    assertThat(anonymous.post("/api/v1/invites/not-a-real-token-at-all/accept", new JsonObject().put("password", "Harbour-Quill-31"))
        .status()).isEqualTo(404);
    ApiClient admin = hub.admin();
    JsonObject base = new JsonObject().put("email", "both@invite.example").put("name", "Bo Both").put("role", "agent");
    assertThat(admin.post("/api/v1/users", base.copy().put("invite", true).put("password", "Harbour-Quill-31")).expect(400).errorField())
        .isEqualTo("invite");
    assertThat(admin.post("/api/v1/users", base.copy()).expect(400).errorField()).isEqualTo("password");
    assertThat(admin.post("/api/v1/users", base.copy().put("invite", "yes")).expect(400).errorField()).isEqualTo("invite");
    ApiClient agent = hub.user("not-an-admin@invite.example", "agent");
    assertThat(agent.post("/api/v1/users", base.copy().put("invite", true)).status()).isEqualTo(403);
    long invited = admin.post("/api/v1/users", base.copy().put("invite", true)).expect(201).json().getLong("id");
    assertThat(agent.post("/api/v1/users/" + invited + "/invite", null).status()).isEqualTo(403);
    admin.delete("/api/v1/users/" + invited).expect(204);
    assertThat(admin.post("/api/v1/users/" + invited + "/invite", null).status()).isEqualTo(409);
  }

  private static String token(JsonObject invite) {
    String url = invite.getString("url");
    return url.substring(url.lastIndexOf('/') + 1);
  }
}
