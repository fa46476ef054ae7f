package io.switchboard.auth;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An admin creates and edits a user complete, inboxes and default inbox included, in one call. */
@WithHub
class UserInboxesTest {

  static TestHub hub;

  @Test
  @DisplayName("a user created with inbox_ids and default_inbox_id is a member of exactly those, starts from the default, and it is audited")
  void createWithInboxes() {
    ApiClient admin = hub.admin();
    long sales = hub.inbox("UI Sales");
    long support = hub.inbox("UI Support");
    JsonObject created = admin.post("/api/v1/users", new JsonObject().put("email", "complete@users.example").put("name", "Cora Complete")
        .put("role", "agent").put("password", TestHub.password("complete@users.example")).put("phone", "+31201234567")
        .put("inbox_ids", new JsonArray().add(support).add(sales).add(support)).put("default_inbox_id", support)).expect(201).json();
    long id = created.getLong("id");
    assertThat(ids(created.getJsonArray("inbox_ids"))).containsExactly(Math.min(sales, support), Math.max(sales, support));
    assertThat(created.getLong("default_inbox_id")).isEqualTo(support);
    assertThat(created.getString("status")).isEqualTo("active");
    assertThat(created.getString("last_seen_at")).isNull();

    JsonObject fetched = admin.get("/api/v1/users/" + id).expect(200).json();
    assertThat(ids(fetched.getJsonArray("inbox_ids"))).containsExactlyInAnyOrder(sales, support);
    assertThat(fetched.getLong("default_inbox_id")).isEqualTo(support);
    JsonObject listed = admin.get("/api/v1/users?q=complete@users").expect(200).items().getJsonObject(0);
    assertThat(ids(listed.getJsonArray("inbox_ids"))).containsExactlyInAnyOrder(sales, support);
    assertThat(memberIds(admin, sales)).contains(id);
    assertThat(memberIds(admin, support)).contains(id);

    ApiClient cora = hub.login("complete@users.example", TestHub.password("complete@users.example"));
    assertThat(cora.user.getLong("default_inbox_id")).isEqualTo(support);
    assertThat(cora.get("/api/v1/inboxes/" + sales).status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/users/" + id).expect(200).json().getString("last_seen_at")).isNotNull();

    List<JsonObject> audit = audit(admin);
    JsonObject createdEntry = audit.stream().filter(e -> e.getString("action").equals("user.created") && e.getLong("target_id") == id)
        .findFirst().orElseThrow();
    assertThat(ids(createdEntry.getJsonObject("data").getJsonArray("inbox_ids"))).containsExactlyInAnyOrder(sales, support);
    assertThat(createdEntry.getJsonObject("data").getLong("default_inbox_id")).isEqualTo(support);
    assertThat(audit.stream().filter(e -> e.getString("action").equals("membership.granted")
        && e.getJsonObject("data").getLong("user_id") == id).map(e -> e.getLong("target_id")).toList())
        .containsExactlyInAnyOrder(sales, support);
  }

  @Test
  @DisplayName("bad inbox_ids or a default_inbox_id outside them is 400 naming the field, and creates nothing")
  void badInboxes() throws Exception {
    ApiClient admin = hub.admin();
    long mine = hub.inbox("UI Mine");
    long theirs;
    try (Connection c = TestDatabase.connect(hub.dbUrl)) {
      ResultSet ws = c.createStatement().executeQuery("INSERT INTO workspace (slug, name) VALUES ('ui-other', 'Other Co') RETURNING id");
      ws.next();
      ResultSet in = c.createStatement().executeQuery("INSERT INTO inbox (workspace_id, name) VALUES (" + ws.getLong(1)
          + ", 'Their Inbox') RETURNING id");
      in.next();
      theirs = in.getLong(1);
    }
    JsonObject base = new JsonObject().put("email", "bad@users.example").put("name", "Bad").put("role", "agent")
        .put("password", TestHub.password("bad@users.example"));
    assertThat(admin.post("/api/v1/users", base.copy().put("inbox_ids", new JsonArray().add(mine)).put("default_inbox_id", mine + 1000))
        .expect(400).errorField()).isEqualTo("default_inbox_id");
    assertThat(admin.post("/api/v1/users", base.copy().put("default_inbox_id", mine)).expect(400).errorField()).isEqualTo("default_inbox_id");
    assertThat(admin.post("/api/v1/users", base.copy().put("inbox_ids", new JsonArray().add(mine).add(999_999)))
        .expect(400).errorField()).isEqualTo("inbox_ids");
    // another workspace's inbox is no inbox here: the same answer as one that does not exist
    ApiClient.Response foreign = admin.post("/api/v1/users", base.copy().put("inbox_ids", new JsonArray().add(theirs)));
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(foreign.errorField()).isEqualTo("inbox_ids");
    assertThat(foreign.body()).doesNotContain("Their Inbox").doesNotContain("Other Co");
    assertThat(admin.post("/api/v1/users", base.copy().put("inbox_ids", new JsonArray().add("sales"))).expect(400).errorField())
        .isEqualTo("inbox_ids");
    assertThat(admin.post("/api/v1/users", base.copy().put("inbox_ids", "1,2")).expect(400).errorField()).isEqualTo("inbox_ids");
    assertThat(admin.get("/api/v1/users?q=bad@users").expect(200).items()).isEmpty();
    assertThat(memberIds(admin, mine)).containsExactly(admin.userId());

    // on an existing user too: nothing of the change is kept
    long user = hub.user("patched@users.example", "agent").userId();
    assertThat(admin.patch("/api/v1/users/" + user, new JsonObject().put("name", "Renamed").put("inbox_ids", new JsonArray().add(theirs)))
        .expect(400).errorField()).isEqualTo("inbox_ids");
    assertThat(admin.patch("/api/v1/users/" + user, new JsonObject().put("inbox_ids", new JsonArray().add(mine)).put("default_inbox_id", theirs))
        .expect(400).errorField()).isEqualTo("default_inbox_id");
    JsonObject after = admin.get("/api/v1/users/" + user).expect(200).json();
    assertThat(after.getString("name")).isEqualTo("patched");
    assertThat(after.getJsonArray("inbox_ids")).isEmpty();
  }

  @Test
  @DisplayName("PATCH inbox_ids sets the memberships exactly: revoked and granted ones reach the user's open socket at once, and are audited")
  void patchSetsExactly() {
    ApiClient admin = hub.admin();
    long a = hub.inbox("UI Patch A");
    long b = hub.inbox("UI Patch B");
    long c = hub.inbox("UI Patch C");
    ApiClient agent = hub.user("patch-me@users.example", "agent");
    long id = agent.userId();
    admin.patch("/api/v1/users/" + id, new JsonObject().put("inbox_ids", new JsonArray().add(a).add(b)).put("default_inbox_id", a))
        .expect(200);
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      JsonObject patched = admin.patch("/api/v1/users/" + id, new JsonObject().put("inbox_ids", new JsonArray().add(b).add(c)))
          .expect(200).json();
      assertThat(ids(patched.getJsonArray("inbox_ids"))).containsExactlyInAnyOrder(b, c);
      // the default inbox was A, which they left: they no longer start from it
      assertThat(patched.getLong("default_inbox_id")).isNull();
      assertThat(live.await(f -> "inbox.access_revoked".equals(f.getString("type")), Duration.ofSeconds(10)).getLong("inbox")).isEqualTo(a);
      assertThat(live.await(f -> "inbox.access_granted".equals(f.getString("type")), Duration.ofSeconds(10)).getLong("inbox")).isEqualTo(c);
    }
    assertThat(agent.get("/api/v1/inboxes/" + a).status()).isEqualTo(404);
    assertThat(agent.get("/api/v1/inboxes/" + c).status()).isEqualTo(200);

    // a default outside the resulting memberships is refused, and the memberships stay as they were
    assertThat(admin.patch("/api/v1/users/" + id, new JsonObject().put("inbox_ids", new JsonArray().add(b)).put("default_inbox_id", c))
        .expect(400).errorField()).isEqualTo("default_inbox_id");
    assertThat(ids(admin.get("/api/v1/users/" + id).json().getJsonArray("inbox_ids"))).containsExactlyInAnyOrder(b, c);
    assertThat(admin.patch("/api/v1/users/" + id, new JsonObject().put("default_inbox_id", c)).expect(200).json().getLong("default_inbox_id"))
        .isEqualTo(c);

    List<JsonObject> audit = audit(admin);
    assertThat(audit.stream().anyMatch(e -> e.getString("action").equals("membership.revoked") && e.getLong("target_id") == a
        && e.getJsonObject("data").getLong("user_id") == id)).isTrue();
    JsonObject updated = audit.stream().filter(e -> e.getString("action").equals("user.updated") && e.getLong("target_id") == id
        && e.getJsonObject("data").containsKey("inbox_ids")).findFirst().orElseThrow();
    assertThat(ids(updated.getJsonObject("data").getJsonArray("inbox_ids"))).containsExactlyInAnyOrder(b, c);
  }

  @Test
  @DisplayName("only settings.manage sets inbox_ids; an admin may put a user into an inbox they are not a member of themselves")
  void whoMaySetInboxes() {
    ApiClient admin = hub.admin();
    long managed = hub.inbox("UI Managed");
    ApiClient agent = hub.user("self-service@users.example", "agent");
    assertThat(agent.patch("/api/v1/users/" + agent.userId(), new JsonObject().put("inbox_ids", new JsonArray().add(managed))).status())
        .isEqualTo(403);
    assertThat(agent.patch("/api/v1/users/" + agent.userId(), new JsonObject().put("default_inbox_id", managed)).expect(400).errorField())
        .isEqualTo("default_inbox_id");
    admin.patch("/api/v1/users/" + agent.userId(), new JsonObject().put("inbox_ids", new JsonArray().add(managed))).expect(200);
    hub.removeMember(managed, admin.userId());
    long other = hub.inbox("UI Managed Two");
    hub.removeMember(other, admin.userId());
    JsonObject moved = admin.patch("/api/v1/users/" + agent.userId(), new JsonObject().put("inbox_ids", new JsonArray().add(managed).add(other))
        .put("default_inbox_id", other)).expect(200).json();
    assertThat(moved.getLong("default_inbox_id")).isEqualTo(other);
    assertThat(admin.get("/api/v1/inboxes/" + other).json().getLong("member_count")).isEqualTo(1);
  }

  @Test
  @DisplayName("taking a user out of an inbox they are the last member of is 409 naming inbox_ids, unless ?confirm=true")
  void lastMemberThroughPatch() {
    ApiClient admin = hub.admin();
    long lonely = hub.inbox("UI Lonely");
    ApiClient agent = hub.user("last-one@users.example", "agent");
    admin.patch("/api/v1/users/" + agent.userId(), new JsonObject().put("inbox_ids", new JsonArray().add(lonely))).expect(200);
    hub.removeMember(lonely, admin.userId());
    ApiClient.Response refused = admin.patch("/api/v1/users/" + agent.userId(), new JsonObject().put("inbox_ids", new JsonArray()));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorField()).isEqualTo("inbox_ids");
    assertThat(refused.body()).contains("UI Lonely").contains("reach nobody");
    assertThat(memberIds(admin, lonely)).containsExactly(agent.userId());
    admin.patch("/api/v1/users/" + agent.userId() + "?confirm=true", new JsonObject().put("inbox_ids", new JsonArray())).expect(200);
    assertThat(admin.get("/api/v1/inboxes/" + lonely).json().getLong("member_count")).isZero();
  }

  static List<Long> ids(JsonArray a) {
    return a.stream().map(o -> ((Number) o).longValue()).toList();
  }

  static List<Long> memberIds(ApiClient admin, long inbox) {
    return admin.get("/api/v1/inboxes/" + inbox + "/members").expect(200).items().stream()
        .map(o -> ((JsonObject) o).getLong("id")).toList();
  }

  static List<JsonObject> audit(ApiClient admin) {
    return admin.get("/api/v1/audit?limit=200").expect(200).items().stream().map(o -> (JsonObject) o).toList();
  }
}
