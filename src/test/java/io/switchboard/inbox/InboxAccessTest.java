package io.switchboard.inbox;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class InboxAccessTest {

  static TestHub hub;

  @Test
  @DisplayName("the new-user walk: an agent who is a member of one inbox sees exactly that one, 404 for the other, and cannot manage settings")
  void agentSeesOnlyTheirInbox() {
    ApiClient admin = hub.admin();
    long sales = hub.inbox("Walk Sales");
    long support = hub.inbox("Walk Support");
    admin.post("/api/v1/inboxes/" + sales + "/endpoints", new JsonObject().put("channel", "email").put("address", "Sales@Walk.example"))
        .expect(201);
    admin.post("/api/v1/inboxes/" + support + "/endpoints", new JsonObject().put("channel", "phone").put("address", "+31 20 123 4567")
        .put("settings", new JsonObject().put("account_sid", "AC1").put("auth_token", "t"))).expect(201);
    ApiClient agent = hub.user("walker@example.com", "agent");
    hub.member(sales, agent.userId());

    JsonArray seen = agent.get("/api/v1/inboxes").expect(200).items();
    assertThat(seen).hasSize(1);
    assertThat(seen.getJsonObject(0).getLong("id")).isEqualTo(sales);
    assertThat(seen.getJsonObject(0).getJsonArray("endpoints").getJsonObject(0).getString("address")).isEqualTo("sales@walk.example");

    for (String path : new String[] {"/api/v1/inboxes/" + support, "/api/v1/inboxes/" + support + "/endpoints",
        "/api/v1/inboxes/" + support + "/members", "/api/v1/conversations?inbox=" + support}) {
      Response r = agent.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
    }
    // a non-member asking to change the other inbox learns nothing either
    assertThat(agent.patch("/api/v1/inboxes/" + support, new JsonObject().put("name", "x")).status()).isEqualTo(404);
    // settings of their own inbox: visible, not changeable
    assertThat(agent.patch("/api/v1/inboxes/" + sales, new JsonObject().put("name", "x")).status()).isEqualTo(403);
    assertThat(agent.post("/api/v1/inboxes", new JsonObject().put("name", "mine")).status()).isEqualTo(403);
    assertThat(agent.post("/api/v1/inboxes/" + sales + "/endpoints", new JsonObject().put("channel", "api")).status()).isEqualTo(403);
    assertThat(agent.put("/api/v1/inboxes/" + sales + "/members/" + agent.userId()).status()).isEqualTo(403);
    assertThat(agent.post("/api/v1/users", new JsonObject().put("email", "x@example.com")).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("an admin manages every inbox's settings but is a member, and so sees content, only where granted")
  void adminManagesWithoutMembership() {
    long inbox = hub.inbox("Admin Managed");
    ApiClient other = hub.user("other-admin@example.com", "admin");
    Response got = other.get("/api/v1/inboxes/" + inbox).expect(200);
    assertThat(got.json().getBoolean("member")).isFalse();
    assertThat(got.json().containsKey("unread")).isFalse();
    other.patch("/api/v1/inboxes/" + inbox, new JsonObject().put("color", "#112233")).expect(200);
    assertThat(other.get("/api/v1/conversations?inbox=" + inbox).status()).isEqualTo(404);
    assertThat(other.get("/api/v1/inboxes?q=Admin Managed".replace(" ", "%20")).items().getJsonObject(0).getBoolean("member")).isFalse();
  }

  @Test
  @DisplayName("inbox lists filter by name and channel, and page with a cursor")
  void listFiltersAndPages() {
    for (int i = 0; i < 5; i++) hub.inbox("Page Team " + i);
    long withPhone = hub.inbox("Page Phone Team");
    hub.admin().post("/api/v1/inboxes/" + withPhone + "/endpoints", new JsonObject().put("channel", "phone").put("address", "+14155550177")
        .put("settings", new JsonObject().put("account_sid", "AC1").put("auth_token", "t"))).expect(201);
    Response first = hub.admin().get("/api/v1/inboxes?q=page%20team&limit=4").expect(200);
    assertThat(first.items()).hasSize(4);
    String cursor = first.json().getString("next_cursor");
    assertThat(cursor).isNotNull();
    Response second = hub.admin().get("/api/v1/inboxes?q=page%20team&limit=4&cursor=" + cursor).expect(200);
    assertThat(second.items()).hasSize(1); // "Page Phone Team" does not contain "page team"
    assertThat(second.json().getString("next_cursor")).isNull();
    Response phones = hub.admin().get("/api/v1/inboxes?q=page&channel=phone").expect(200);
    assertThat(phones.items()).hasSize(1);
    assertThat(phones.items().getJsonObject(0).getLong("id")).isEqualTo(withPhone);
    assertThat(hub.admin().get("/api/v1/inboxes?channel=fax").errorField()).isEqualTo("channel");
    assertThat(hub.admin().get("/api/v1/inboxes?limit=0").errorField()).isEqualTo("limit");
    assertThat(hub.admin().get("/api/v1/inboxes?cursor=garbage!!").errorField()).isEqualTo("cursor");
  }

  @Test
  @DisplayName("addresses are validated and normalised; an address routes to exactly one inbox")
  void endpointAddresses() {
    ApiClient admin = hub.admin();
    long a = hub.inbox("Addr A");
    long b = hub.inbox("Addr B");
    Response phone = admin.post("/api/v1/inboxes/" + a + "/endpoints", new JsonObject().put("channel", "phone")
        .put("address", "(415) 555-0111").put("settings", new JsonObject().put("account_sid", "AC9").put("auth_token", "secret-token")))
        .expect(201);
    assertThat(phone.json().getString("address")).isEqualTo("+14155550111");
    assertThat(phone.body()).doesNotContain("secret-token");
    assertThat(phone.json().getJsonArray("secrets_set").getList()).containsExactly("auth_token");

    Response badPhone = admin.post("/api/v1/inboxes/" + a + "/endpoints", new JsonObject().put("channel", "phone").put("address", "12")
        .put("settings", new JsonObject().put("account_sid", "AC9").put("auth_token", "t")));
    assertThat(badPhone.status()).isEqualTo(400);
    assertThat(badPhone.errorField()).isEqualTo("address");
    Response badEmail = admin.post("/api/v1/inboxes/" + a + "/endpoints", new JsonObject().put("channel", "email").put("address", "nobody@"));
    assertThat(badEmail.errorField()).isEqualTo("address");
    Response noToken = admin.post("/api/v1/inboxes/" + a + "/endpoints", new JsonObject().put("channel", "phone").put("address", "+14155550112")
        .put("settings", new JsonObject().put("account_sid", "AC9")));
    assertThat(noToken.errorField()).isEqualTo("settings");
    Response unknownChannel = admin.post("/api/v1/inboxes/" + a + "/endpoints", new JsonObject().put("channel", "pigeon").put("address", "x"));
    assertThat(unknownChannel.errorField()).isEqualTo("channel");

    admin.post("/api/v1/inboxes/" + a + "/endpoints", new JsonObject().put("channel", "email").put("address", "help@addr.example")).expect(201);
    Response taken = admin.post("/api/v1/inboxes/" + b + "/endpoints", new JsonObject().put("channel", "email").put("address", "HELP@addr.example"));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.errorField()).isEqualTo("address");
    Response takenPhone = admin.post("/api/v1/inboxes/" + b + "/endpoints", new JsonObject().put("channel", "phone").put("address", "+1 415 555 0111")
        .put("settings", new JsonObject().put("account_sid", "AC9").put("auth_token", "t")));
    assertThat(takenPhone.status()).isEqualTo(409);
  }

  @Test
  @DisplayName("an inbox has exactly one primary number: the first is primary, a second primary is refused, PATCH moves it")
  void onePrimaryNumber() {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Primary Numbers");
    JsonObject settings = new JsonObject().put("account_sid", "AC1").put("auth_token", "t");
    long first = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", "+14155550201")
        .put("settings", settings)).expect(201).json().getLong("id");
    Response second = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", "+14155550202")
        .put("settings", settings)).expect(201);
    assertThat(admin.get("/api/v1/endpoints/" + first).json().getBoolean("primary")).isTrue();
    assertThat(second.json().getBoolean("primary")).isFalse();
    Response another = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", "+14155550203")
        .put("primary", true).put("settings", settings));
    assertThat(another.status()).isEqualTo(409);
    assertThat(another.errorField()).isEqualTo("primary");
    assertThat(admin.get("/api/v1/inboxes/" + inbox + "/endpoints").items()).hasSize(2);

    long secondId = second.json().getLong("id");
    admin.patch("/api/v1/endpoints/" + secondId, new JsonObject().put("primary", true)).expect(200);
    assertThat(admin.get("/api/v1/endpoints/" + first).json().getBoolean("primary")).isFalse();
    assertThat(admin.get("/api/v1/endpoints/" + secondId).json().getBoolean("primary")).isTrue();
    Response unset = admin.patch("/api/v1/endpoints/" + secondId, new JsonObject().put("primary", false));
    assertThat(unset.status()).isEqualTo(400);
    // deleting the primary passes it on, so the inbox still has one
    admin.delete("/api/v1/endpoints/" + secondId).expect(204);
    assertThat(admin.get("/api/v1/endpoints/" + first).json().getBoolean("primary")).isTrue();
  }

  @Test
  @DisplayName("widget and API endpoints get a generated key and a secret shown once; secrets are write-only")
  void generatedKeys() {
    long inbox = hub.inbox("Keys");
    Response api = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api")
        .put("settings", new JsonObject().put("callback_url", "https://crm.example/hook"))).expect(201);
    String secret = api.json().getString("secret");
    assertThat(api.json().getString("key")).isEqualTo(api.json().getString("address")).startsWith("k_");
    assertThat(secret).hasSizeGreaterThan(30);
    Response again = hub.admin().get("/api/v1/endpoints/" + api.json().getLong("id")).expect(200);
    assertThat(again.body()).doesNotContain(secret);
    Response badUrl = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api")
        .put("settings", new JsonObject().put("callback_url", "ftp://x")));
    assertThat(badUrl.errorField()).isEqualTo("settings");
  }

  @Test
  @DisplayName("bad inbox input gets the JSON error with the field, and nothing is half-written")
  void inboxValidation() throws Exception {
    ApiClient admin = hub.admin();
    assertThat(admin.postRaw("/api/v1/inboxes", "{\"name\": ", "application/json").errorCode()).isEqualTo("validation");
    assertThat(admin.postRaw("/api/v1/inboxes", "[1,2]", "application/json").status()).isEqualTo(400);
    assertThat(admin.post("/api/v1/inboxes", new JsonObject().put("name", 7)).errorField()).isEqualTo("name");
    assertThat(admin.post("/api/v1/inboxes", new JsonObject().put("name", "C").put("color", "red")).errorField()).isEqualTo("color");
    Response hours = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Hours Bad").put("business_hours",
        new JsonObject().put("timezone", "Mars/Olympus").put("weekly", new JsonObject())));
    assertThat(hours.errorField()).isEqualTo("business_hours");
    Response range = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Hours Bad").put("business_hours",
        new JsonObject().put("timezone", "Europe/Amsterdam").put("weekly", new JsonObject().put("mon", new JsonArray().add(new JsonArray().add("17:00").add("09:00"))))));
    assertThat(range.errorField()).isEqualTo("business_hours");
    Response routing = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Hours Bad").put("call_routing",
        new JsonObject().put("ring", new JsonArray().add(99999)).put("timeout_s", 20)));
    assertThat(routing.errorField()).isEqualTo("call_routing");
    hub.inbox("Unique Name");
    Response dup = admin.post("/api/v1/inboxes", new JsonObject().put("name", "unique name"));
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.errorField()).isEqualTo("name");
    String huge = "x".repeat(2 * 1024 * 1024);
    Response tooLarge = admin.post("/api/v1/inboxes", new JsonObject().put("name", huge));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.errorCode()).isEqualTo("too_large");
    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery(
        "SELECT count(*) FROM inbox WHERE name = 'Hours Bad'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    Response good = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Hours Good").put("business_hours",
        new JsonObject().put("timezone", "Europe/Amsterdam").put("weekly", new JsonObject().put("mon", new JsonArray()
            .add(new JsonArray().add("09:00").add("17:00")))).put("holidays", new JsonArray().add("2026-12-25")))).expect(201);
    assertThat(good.json().getJsonObject("business_hours").getJsonArray("holidays").getList()).containsExactly("2026-12-25");
  }

  @Test
  @DisplayName("granting and revoking membership is audited; a default inbox must be one the user belongs to")
  void membershipsAndDefaultInbox() {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Members Audit");
    ApiClient agent = hub.user("member@example.com", "agent");
    assertThat(agent.patch("/api/v1/me", new JsonObject().put("default_inbox_id", inbox)).errorField()).isEqualTo("default_inbox_id");
    admin.put("/api/v1/inboxes/" + inbox + "/members/" + agent.userId()).expect(201);
    admin.put("/api/v1/inboxes/" + inbox + "/members/" + agent.userId()).expect(200);
    assertThat(admin.get("/api/v1/inboxes/" + inbox + "/members").items().stream()
        .map(o -> ((JsonObject) o).getLong("id")).toList()).contains(agent.userId());
    agent.patch("/api/v1/me", new JsonObject().put("default_inbox_id", inbox)).expect(200);
    assertThat(agent.get("/api/v1/me").json().getJsonObject("user").getLong("default_inbox_id")).isEqualTo(inbox);
    admin.delete("/api/v1/inboxes/" + inbox + "/members/" + agent.userId()).expect(204);
    assertThat(agent.get("/api/v1/inboxes/" + inbox).status()).isEqualTo(404);
    assertThat(agent.get("/api/v1/me").json().getJsonObject("user").getLong("default_inbox_id")).isNull();
    JsonArray audit = admin.get("/api/v1/audit?limit=50").expect(200).items();
    assertThat(audit.stream().map(o -> ((JsonObject) o).getString("action")).toList())
        .contains("membership.granted", "membership.revoked");
    assertThat(agent.get("/api/v1/audit").status()).isEqualTo(403);
    assertThat(admin.put("/api/v1/inboxes/" + inbox + "/members/999999").status()).isEqualTo(404);
  }
}
