package io.switchboard.conversation;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class ConversationApiTest {

  static TestHub hub;
  static long inbox;
  static JsonObject ep;
  static ApiClient agent;
  static ApiClient supervisor;

  @BeforeAll
  static void setUp() {
    inbox = hub.inbox("Conversations");
    ep = hub.apiEndpoint(inbox, null);
    agent = hub.user("conv-agent@example.com", "agent");
    supervisor = hub.user("conv-super@example.com", "supervisor");
    hub.member(inbox, agent.userId());
    hub.member(inbox, supervisor.userId());
  }

  static long conversation(String from, String text) {
    return hub.ingestApi(ep, from, text, from + "-" + text.hashCode()).expect(200).json().getLong("conversation_id");
  }

  @Test
  @DisplayName("status changes, snoozes and assignment are recorded as system activities")
  void statusAndAssignment() {
    long id = conversation("cust-status", "status please");
    agent.patch("/api/v1/conversations/" + id, new JsonObject().put("status", "pending")).expect(200);
    Response snooze = agent.patch("/api/v1/conversations/" + id, new JsonObject().put("status", "snoozed")
        .put("snoozed_until", Instant.now().plusSeconds(3600).toString())).expect(200);
    assertThat(snooze.json().getString("snoozed_until")).isNotNull();
    agent.patch("/api/v1/conversations/" + id, new JsonObject().put("assignee_id", agent.userId())).expect(200);
    // agents may take a conversation but not give it to someone else
    Response give = agent.patch("/api/v1/conversations/" + id, new JsonObject().put("assignee_id", supervisor.userId()));
    assertThat(give.status()).isEqualTo(403);
    supervisor.patch("/api/v1/conversations/" + id, new JsonObject().put("assignee_id", supervisor.userId())).expect(200);
    Response resolved = supervisor.patch("/api/v1/conversations/" + id, new JsonObject().put("status", "resolved")).expect(200);
    assertThat(resolved.json().getString("status")).isEqualTo("resolved");
    assertThat(resolved.json().getString("snoozed_until")).isNull();
    List<String> system = texts(agent.get("/api/v1/conversations/" + id + "/activities?kind=system").items());
    assertThat(system).anyMatch(t -> t.contains("marked the conversation pending"))
        .anyMatch(t -> t.contains("snoozed"))
        .anyMatch(t -> t.contains("took the conversation"))
        .anyMatch(t -> t.contains("resolved"));
  }

  @Test
  @DisplayName("bad changes are refused with the field: unknown status, snooze without a time or in the past, assignee outside the inbox")
  void badChanges() {
    long id = conversation("cust-bad", "bad changes");
    assertThat(agent.patch("/api/v1/conversations/" + id, new JsonObject().put("status", "closed")).errorField()).isEqualTo("status");
    assertThat(agent.patch("/api/v1/conversations/" + id, new JsonObject().put("status", "snoozed")).errorField()).isEqualTo("snoozed_until");
    assertThat(agent.patch("/api/v1/conversations/" + id, new JsonObject().put("status", "snoozed").put("snoozed_until", "2001-01-01T00:00:00Z"))
        .errorField()).isEqualTo("snoozed_until");
    assertThat(agent.patch("/api/v1/conversations/" + id, new JsonObject().put("snoozed_until", "tomorrow")).errorField())
        .isEqualTo("snoozed_until");
    ApiClient outsider = hub.user("conv-outsider@example.com", "agent");
    Response r = supervisor.patch("/api/v1/conversations/" + id, new JsonObject().put("assignee_id", outsider.userId()));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("assignee_id");
    assertThat(agent.get("/api/v1/conversations/" + id).json().getString("status")).isEqualTo("open");
  }

  @Test
  @DisplayName("lists filter by status, assignee, tag and text, and page with a stable cursor")
  void filters() {
    long tagged = conversation("cust-filter-1", "the invoice is wrong");
    long plain = conversation("cust-filter-2", "where is my parcel");
    agent.put("/api/v1/conversations/" + tagged + "/tags/Billing").expect(200);
    agent.put("/api/v1/conversations/" + tagged + "/tags/%20BILLING%20").expect(200); // same tag, stored once
    agent.patch("/api/v1/conversations/" + plain, new JsonObject().put("assignee_id", agent.userId())).expect(200);
    assertThat(ids(agent.get("/api/v1/conversations?tag=billing").items())).containsExactly(tagged);
    assertThat(ids(agent.get("/api/v1/conversations?q=invoice").items())).containsExactly(tagged);
    assertThat(ids(agent.get("/api/v1/conversations?q=INVO").items())).containsExactly(tagged);
    assertThat(ids(agent.get("/api/v1/conversations?q=parcel&assignee=me").items())).containsExactly(plain);
    assertThat(ids(agent.get("/api/v1/conversations?assignee=none&q=filter").items())).contains(tagged).doesNotContain(plain);
    assertThat(ids(agent.get("/api/v1/conversations?q=Customer%20cust-filter-2").items())).containsExactly(plain);
    assertThat(agent.get("/api/v1/conversations/" + tagged).json().getJsonArray("tags").getList()).containsExactly("billing");
    JsonArray tags = agent.get("/api/v1/tags").items();
    assertThat(tags.stream().map(o -> (JsonObject) o).filter(t -> t.getString("name").equals("billing")).findFirst().orElseThrow()
        .getLong("conversations")).isEqualTo(1);
    agent.delete("/api/v1/conversations/" + tagged + "/tags/billing").expect(200);
    assertThat(agent.get("/api/v1/conversations?tag=billing").items()).isEmpty();
    assertThat(agent.put("/api/v1/conversations/" + tagged + "/tags/%20").status()).isEqualTo(400);
    assertThat(agent.get("/api/v1/conversations?status=later").errorField()).isEqualTo("status");

    for (int i = 0; i < 7; i++) conversation("cust-page-" + i, "paging " + i);
    Response page1 = agent.get("/api/v1/conversations?q=paging&limit=3").expect(200);
    Response page2 = agent.get("/api/v1/conversations?q=paging&limit=3&cursor=" + page1.json().getString("next_cursor")).expect(200);
    Response page3 = agent.get("/api/v1/conversations?q=paging&limit=3&cursor=" + page2.json().getString("next_cursor")).expect(200);
    List<Long> all = new java.util.ArrayList<>(ids(page1.items()));
    all.addAll(ids(page2.items()));
    all.addAll(ids(page3.items()));
    assertThat(all).hasSize(7).doesNotHaveDuplicates();
    assertThat(page3.json().getString("next_cursor")).isNull();
  }

  @Test
  @DisplayName("unread counts are per user: what a customer wrote is unread until that user reads it")
  void unread() {
    long id = conversation("cust-unread", "first");
    conversation("cust-unread", "second");
    assertThat(agent.get("/api/v1/conversations/" + id).json().getLong("unread")).isEqualTo(2);
    agent.post("/api/v1/conversations/" + id + "/read", null).expect(200);
    assertThat(agent.get("/api/v1/conversations/" + id).json().getLong("unread")).isZero();
    assertThat(supervisor.get("/api/v1/conversations/" + id).json().getLong("unread")).isEqualTo(2);
    assertThat(ids(agent.get("/api/v1/conversations?unread=true&q=cust-unread").items())).doesNotContain(id);
    conversation("cust-unread", "third");
    assertThat(agent.get("/api/v1/conversations/" + id).json().getLong("unread")).isEqualTo(1);
  }

  @Test
  @DisplayName("notes are internal activities; the activity filter and history paging work")
  void notesAndHistory() {
    long id = conversation("cust-notes", "hello");
    agent.post("/api/v1/conversations/" + id + "/notes", new JsonObject().put("text", "VIP, be nice")).expect(201);
    assertThat(agent.post("/api/v1/conversations/" + id + "/notes", new JsonObject().put("text", "")).errorField()).isEqualTo("text");
    assertThat(agent.post("/api/v1/conversations/" + id + "/notes", new JsonObject().put("text", "x".repeat(10_001))).errorField())
        .isEqualTo("text");
    JsonArray notes = agent.get("/api/v1/conversations/" + id + "/activities?kind=note").items();
    assertThat(notes).hasSize(1);
    assertThat(notes.getJsonObject(0).getJsonObject("sender").getString("name")).isEqualTo("conv-agent");
    assertThat(agent.get("/api/v1/conversations/" + id + "/activities?kind=message").items()).hasSize(1);
    assertThat(agent.get("/api/v1/conversations/" + id + "/activities?kind=sms").errorField()).isEqualTo("kind");
    for (int i = 0; i < 5; i++) agent.post("/api/v1/conversations/" + id + "/notes", new JsonObject().put("text", "n" + i)).expect(201);
    Response first = agent.get("/api/v1/conversations/" + id + "/activities?limit=4").expect(200);
    Response rest = agent.get("/api/v1/conversations/" + id + "/activities?limit=4&cursor=" + first.json().getString("next_cursor"));
    assertThat(first.items().getJsonObject(0).getString("text")).isEqualTo("n4");
    assertThat(first.items().size() + rest.items().size()).isEqualTo(7);
  }

  @Test
  @DisplayName("an agent starts a conversation with a contact; on a chat-like endpoint the existing one is returned")
  void startConversation() {
    long existing = conversation("cust-start", "hi");
    long contact = agent.get("/api/v1/conversations/" + existing).json().getLong("contact_id");
    Response again = agent.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("endpoint_id", ep.getLong("id")))
        .expect(200);
    assertThat(again.json().getLong("id")).isEqualTo(existing);
    long other = hub.inbox("Elsewhere");
    JsonObject otherEp = hub.apiEndpoint(other, null);
    Response notMember = agent.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("endpoint_id", otherEp.getLong("id")));
    assertThat(notMember.status()).isEqualTo(400);
    assertThat(notMember.errorField()).isEqualTo("endpoint_id");
    Response created = hub.admin().post("/api/v1/conversations", new JsonObject().put("contact_id", contact)
        .put("endpoint_id", otherEp.getLong("id"))).expect(201);
    assertThat(created.json().getLong("inbox_id")).isEqualTo(other);
    assertThat(created.json().getString("contact_address")).isEqualTo("cust-start");
  }

  private static List<Long> ids(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }

  private static List<String> texts(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("text")).toList();
  }
}
