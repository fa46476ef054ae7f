package io.switchboard.crm;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class CrmTest {

  static TestHub hub;
  static ApiClient admin;
  static long inbox;
  static JsonObject endpoint;

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
    inbox = hub.inbox("CRM");
    endpoint = hub.apiEndpoint(inbox, null);
  }

  /** A customer writing in through the API channel: {conversation_id, contact_id}. */
  static JsonObject customer(String from) {
    return hub.ingestApi(endpoint, from, "hello from " + from, null).expect(200).json();
  }

  @Test
  @DisplayName("opportunities: create, edit, win; the list has an active-only switch and counts; values and currencies are checked")
  void opportunities() {
    long contact = customer("buyer-1").getLong("contact_id");
    String base = "/api/v1/contacts/" + contact + "/opportunities";
    JsonObject deal = admin.post(base, new JsonObject().put("title", "Annual plan").put("value", "1200.50").put("currency", "eur")
        .put("stage", "proposal").put("close_date", "2026-06-30")).expect(201).json();
    assertThat(deal.getString("status")).isEqualTo("active");
    assertThat(deal.getString("currency")).isEqualTo("EUR");
    assertThat(new BigDecimal(deal.getValue("value").toString())).isEqualByComparingTo("1200.50");
    assertThat(deal.getString("close_date")).isEqualTo("2026-06-30");
    admin.post(base, new JsonObject().put("title", "Add-on").put("value", 300).put("currency", "EUR")).expect(201);
    long lost = admin.post(base, new JsonObject().put("title", "Old deal").put("status", "lost")).expect(201).json().getLong("id");
    admin.post(base, new JsonObject().put("title", "US deal").put("value", 99.99).put("currency", "USD")).expect(201);

    JsonObject all = admin.get(base).expect(200).json();
    assertThat(all.getJsonArray("items")).hasSize(4);
    assertThat(all.getLong("count")).isEqualTo(4);
    assertThat(all.getLong("active_count")).isEqualTo(3);
    assertThat(new BigDecimal(all.getJsonObject("active_value").getValue("EUR").toString())).isEqualByComparingTo("1500.50");
    JsonObject active = admin.get(base + "?active=true").expect(200).json();
    assertThat(active.getJsonArray("items")).hasSize(3);
    assertThat(active.getLong("count")).isEqualTo(3);
    assertThat(active.encode()).doesNotContain("Old deal");

    JsonObject won = admin.patch("/api/v1/opportunities/" + deal.getLong("id"), new JsonObject().put("status", "won")
        .put("stage", "signed")).expect(200).json();
    assertThat(won.getString("status")).isEqualTo("won");
    assertThat(won.getString("stage")).isEqualTo("signed");
    assertThat(won.getString("title")).isEqualTo("Annual plan");
    assertThat(admin.get(base + "?active=true").json().getLong("count")).isEqualTo(2);
    admin.delete("/api/v1/opportunities/" + lost).expect(204);
    assertThat(admin.get(base).json().getLong("count")).isEqualTo(3);

    for (Object[] bad : new Object[][] {{"value", "abc"}, {"value", -5}, {"value", 1.234}, {"currency", "EURO"}, {"currency", "XYZ"},
        {"status", "pending"}, {"close_date", "2026-13-40"}, {"title", "t".repeat(201)}}) {
      Response r = admin.post(base, new JsonObject().put("title", "Bad").put("value", 1).put("currency", "EUR").put((String) bad[0], bad[1]));
      assertThat(r.status()).as(bad[0] + "=" + bad[1]).isEqualTo(400);
      assertThat(r.errorField()).isEqualTo(bad[0]);
    }
    assertThat(admin.post(base, new JsonObject().put("title", "No currency").put("value", 10)).errorField()).isEqualTo("currency");
    assertThat(admin.get(base).json().getLong("count")).isEqualTo(3);
    assertThat(admin.get("/api/v1/contacts/999999/opportunities").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("calendar events on a conversation: create, list soonest first, edit, delete; the end must follow the start")
  void calendarEvents() {
    long conv = customer("planner-1").getLong("conversation_id");
    String base = "/api/v1/conversations/" + conv + "/events";
    JsonObject demo = admin.post(base, new JsonObject().put("title", "Demo").put("starts_at", "2030-03-01T10:00:00+01:00")
        .put("ends_at", "2030-03-01T11:00:00+01:00").put("location", "Video call").put("notes", "show the dashboard")).expect(201).json();
    assertThat(demo.getString("starts_at")).isEqualTo("2030-03-01T09:00:00Z");
    assertThat(demo.getJsonObject("created_by").getString("name")).isEqualTo(admin.user.getString("name"));
    admin.post(base, new JsonObject().put("title", "Kick-off").put("starts_at", "2030-02-01T09:00:00Z")
        .put("ends_at", "2030-02-01T09:30:00Z")).expect(201);
    JsonArray items = admin.get(base).expect(200).items();
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("title")).toList()).containsExactly("Kick-off", "Demo");

    Response backwards = admin.post(base, new JsonObject().put("title", "Oops").put("starts_at", "2030-01-01T10:00:00Z")
        .put("ends_at", "2030-01-01T09:00:00Z"));
    assertThat(backwards.status()).isEqualTo(400);
    assertThat(backwards.errorField()).isEqualTo("ends_at");
    assertThat(admin.post(base, new JsonObject().put("title", "Oops").put("starts_at", "tomorrow")
        .put("ends_at", "2030-01-01T09:00:00Z")).errorField()).isEqualTo("starts_at");
    assertThat(admin.post(base, new JsonObject().put("title", "Long").put("starts_at", "2030-01-01T09:00:00Z")
        .put("ends_at", "2030-01-01T10:00:00Z").put("notes", "n".repeat(5001))).errorField()).isEqualTo("notes");
    String eventPath = "/api/v1/events/" + demo.getLong("id");
    Response moveBefore = admin.patch(eventPath, new JsonObject().put("ends_at", "2030-03-01T08:00:00Z"));
    assertThat(moveBefore.errorField()).isEqualTo("ends_at");

    JsonObject moved = admin.patch(eventPath, new JsonObject().put("starts_at", "2030-03-02T09:00:00Z")
        .put("ends_at", "2030-03-02T10:00:00Z").putNull("location")).expect(200).json();
    assertThat(moved.getString("location")).isNull();
    assertThat(moved.getString("notes")).isEqualTo("show the dashboard");
    admin.delete(eventPath).expect(204);
    assertThat(admin.get(base).items()).hasSize(1);

    ApiClient stranger = hub.user("stranger@crm.example", "agent");
    assertThat(stranger.get(base).status()).isEqualTo(404);
    long other = admin.get(base).items().getJsonObject(0).getLong("id");
    assertThat(stranger.patch("/api/v1/events/" + other, new JsonObject().put("title", "mine")).status()).isEqualTo(404);
    assertThat(stranger.delete("/api/v1/events/" + other).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("opportunity and calendar event changes are live for members of the inbox, and only for them")
  void live() {
    JsonObject c = customer("live-1");
    ApiClient member = hub.user("member@crm.example", "agent");
    hub.member(inbox, member.userId());
    ApiClient stranger = hub.user("outside@crm.example", "agent");
    try (LiveClient in = LiveClient.agent(hub, member); LiveClient out = LiveClient.agent(hub, stranger)) {
      in.awaitType("hello");
      out.awaitType("hello");
      admin.post("/api/v1/contacts/" + c.getLong("contact_id") + "/opportunities", new JsonObject().put("title", "Live deal")).expect(201);
      JsonObject opp = in.awaitType("opportunity.created");
      assertThat(opp.getJsonObject("data").getJsonObject("opportunity").getString("title")).isEqualTo("Live deal");
      assertThat(opp.getLong("inbox")).isEqualTo(inbox);
      admin.post("/api/v1/conversations/" + c.getLong("conversation_id") + "/events", new JsonObject().put("title", "Live call")
          .put("starts_at", "2030-05-01T09:00:00Z").put("ends_at", "2030-05-01T09:15:00Z")).expect(201);
      JsonObject ev = in.awaitType("calendar_event.created");
      assertThat(ev.getLong("conversation")).isEqualTo(c.getLong("conversation_id"));
      assertThat(out.collect(f -> f.containsKey("seq"), Duration.ofMillis(800))).isEmpty();
    }
  }
}
