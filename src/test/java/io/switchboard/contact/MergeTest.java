package io.switchboard.contact;

import io.switchboard.ingest.IngestResult;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class MergeTest {

  static TestHub hub;
  static ApiClient admin;

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "tier").put("label", "Tier").put("type", "text"))
        .expect(201);
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "city").put("label", "City").put("type", "text"))
        .expect(201);
  }

  static List<String> identities(JsonObject contact) {
    return contact.getJsonArray("identities").stream()
        .map(o -> ((JsonObject) o).getString("channel") + ":" + ((JsonObject) o).getString("address")).toList();
  }

  @Test
  @DisplayName("a merge leaves one contact with both identities, both conversations, its properties winning, and everything else moved")
  void mergeMovesEverything() {
    long sms = hub.inbox("Merge SMS");
    long mail = hub.inbox("Merge Mail");
    String phone = CustomerMessages.phoneEndpoint(hub, sms, "+31 20 555 0301");
    String email = CustomerMessages.emailEndpoint(hub, mail, "desk@merge.example");
    IngestResult text = CustomerMessages.sms(hub, phone, "+31633330001", null, "hello by text");
    IngestResult letter = CustomerMessages.email(hub, email, "lin@merge.example", "Lin Chen", "Hello", "hello by mail");
    long kept = text.contactId();
    long gone = letter.contactId();

    admin.patch("/api/v1/contacts/" + kept, new JsonObject().put("properties", new JsonObject().put("tier", "gold"))).expect(200);
    admin.patch("/api/v1/contacts/" + gone, new JsonObject().put("company", "Chen & Co")
        .put("properties", new JsonObject().put("tier", "silver").put("city", "Utrecht"))).expect(200);
    long opportunity = admin.post("/api/v1/contacts/" + gone + "/opportunities", new JsonObject().put("title", "Renewal")
        .put("value", 1200).put("currency", "EUR")).expect(201).json().getLong("id");
    long profile = admin.post("/api/v1/profiles", new JsonObject().put("name", "Lin")).expect(201).json().getLong("id");
    admin.put("/api/v1/profiles/" + profile + "/contacts/" + gone).expect(200);
    admin.post("/api/v1/contacts/" + gone + "/notes", new JsonObject().put("text", "VIP since 2020")).expect(201);

    JsonObject merged = admin.post("/api/v1/contacts/" + kept + "/merge", new JsonObject().put("from_contact_id", gone)).expect(200).json();
    assertThat(merged.getLong("id")).isEqualTo(kept);
    assertThat(identities(merged)).containsExactlyInAnyOrder("phone:+31633330001", "email:lin@merge.example");
    assertThat(merged.getString("name")).isEqualTo("Lin Chen");           // the kept contact had none
    assertThat(merged.getString("email")).isEqualTo("lin@merge.example");
    assertThat(merged.getString("company")).isEqualTo("Chen & Co");
    assertThat(merged.getJsonObject("properties").getMap()).containsEntry("tier", "gold").containsEntry("city", "Utrecht");
    assertThat(merged.getJsonArray("profiles").getJsonObject(0).getLong("id")).isEqualTo(profile);

    assertThat(admin.get("/api/v1/contacts/" + gone).status()).isEqualTo(404);
    JsonArray conversations = admin.get("/api/v1/contacts/" + kept + "/conversations").expect(200).items();
    assertThat(conversations.stream().map(o -> ((JsonObject) o).getLong("id")).toList())
        .containsExactlyInAnyOrder(text.conversationId(), letter.conversationId());
    JsonObject opportunities = admin.get("/api/v1/contacts/" + kept + "/opportunities").expect(200).json();
    assertThat(opportunities.getJsonArray("items").getJsonObject(0).getLong("id")).isEqualTo(opportunity);
    assertThat(admin.get("/api/v1/contacts/" + kept + "/notes").items().getJsonObject(0).getString("text")).isEqualTo("VIP since 2020");

    // the person's next e-mail finds the merged contact
    IngestResult again = CustomerMessages.email(hub, email, "lin@merge.example", "Lin Chen", "Again", "one more");
    assertThat(again.contactId()).isEqualTo(kept);

    JsonObject audit = admin.get("/api/v1/audit").items().stream().map(o -> (JsonObject) o)
        .filter(o -> "contact.merged".equals(o.getString("action"))).findFirst().orElseThrow();
    assertThat(audit.getLong("target_id")).isEqualTo(kept);
    assertThat(audit.getJsonObject("data").getLong("from_contact_id")).isEqualTo(gone);
  }

  @Test
  @DisplayName("merging two contacts who each have a chat on one endpoint folds the duplicate's conversation into the kept one")
  void chatThreadsFold() throws Exception {
    long inbox = hub.inbox("Merge Chat");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    JsonObject first = hub.ingestApi(ep, "visitor-1", "first visit", "f-1").expect(200).json();
    JsonObject second = hub.ingestApi(ep, "visitor-2", "second visit", "f-2").expect(200).json();
    long keptConv = first.getLong("conversation_id");
    long goneConv = second.getLong("conversation_id");
    admin.put("/api/v1/conversations/" + goneConv + "/tags/returning").expect(200);
    admin.post("/api/v1/conversations/" + goneConv + "/notes", new JsonObject().put("text", "same person as visitor-1")).expect(201);
    admin.post("/api/v1/conversations/" + goneConv + "/events", new JsonObject().put("title", "Call back")
        .put("starts_at", "2030-01-02T09:00:00Z").put("ends_at", "2030-01-02T09:30:00Z")).expect(201);
    admin.patch("/api/v1/conversations/" + keptConv, new JsonObject().put("status", "resolved")).expect(200);

    admin.post("/api/v1/contacts/" + first.getLong("contact_id") + "/merge",
        new JsonObject().put("from_contact_id", second.getLong("contact_id"))).expect(200);

    assertThat(admin.get("/api/v1/conversations/" + goneConv).status()).isEqualTo(404);
    JsonObject conv = admin.get("/api/v1/conversations/" + keptConv).expect(200).json();
    assertThat(conv.getString("status")).isEqualTo("open");              // the folded one was open
    assertThat(conv.getJsonArray("tags").getList()).containsExactly("returning");
    JsonArray history = admin.get("/api/v1/conversations/" + keptConv + "/activities").expect(200).items();
    List<String> texts = history.stream().map(o -> ((JsonObject) o).getString("text")).toList();
    assertThat(texts).contains("first visit", "second visit", "same person as visitor-1");
    assertThat(history.getJsonObject(0).getString("kind")).isEqualTo("system");
    assertThat(admin.get("/api/v1/conversations/" + keptConv + "/events").items().getJsonObject(0).getString("title"))
        .isEqualTo("Call back");

    // both addresses now write into the one conversation, which the unique chat index still guards
    assertThat(hub.ingestApi(ep, "visitor-2", "third visit", "f-3").json().getLong("conversation_id")).isEqualTo(keptConv);
    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery(
        "SELECT count(*) FROM conversation WHERE endpoint_id = " + ep.getLong("id"))) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("bad merges: into itself is a 400 naming from_contact_id; a contact one cannot see is 404; nothing is applied")
  void badMerges() {
    long a = admin.post("/api/v1/contacts", new JsonObject().put("name", "Alone")).expect(201).json().getLong("id");
    Response self = admin.post("/api/v1/contacts/" + a + "/merge", new JsonObject().put("from_contact_id", a));
    assertThat(self.status()).isEqualTo(400);
    assertThat(self.errorField()).isEqualTo("from_contact_id");
    assertThat(admin.post("/api/v1/contacts/" + a + "/merge", new JsonObject()).errorField()).isEqualTo("from_contact_id");
    assertThat(admin.post("/api/v1/contacts/" + a + "/merge", new JsonObject().put("from_contact_id", 999_999)).status()).isEqualTo(404);

    long hidden = hub.inbox("Merge Hidden");
    String phone = CustomerMessages.phoneEndpoint(hub, hidden, "+31 20 555 0302");
    IngestResult secret = CustomerMessages.sms(hub, phone, "+31633330002", "Hidden Person", "psst");
    ApiClient agent = hub.user("merger@example.com", "agent");
    assertThat(agent.post("/api/v1/contacts/" + a + "/merge", new JsonObject().put("from_contact_id", secret.contactId())).status())
        .isEqualTo(404);
    assertThat(agent.post("/api/v1/contacts/" + secret.contactId() + "/merge", new JsonObject().put("from_contact_id", a)).status())
        .isEqualTo(404);
    assertThat(admin.get("/api/v1/contacts/" + a).status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/contacts/" + secret.contactId()).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a contact with a conversation in an inbox one is not a member of is not merged, either way round, by an agent or "
      + "an admin (409, nothing changes); one only in such inboxes is 404; a merge of what one sees works and is audited")
  void mergeNeedsEveryConversationVisible() {
    long sales = hub.inbox("Merge Sales");
    long finance = hub.inbox("Merge Finance");
    String salesDesk = CustomerMessages.emailEndpoint(hub, sales, "sales@visible.example");
    String financeDesk = CustomerMessages.emailEndpoint(hub, finance, "finance@visible.example");
    ApiClient agent = hub.user("sales-agent@merge.example", "agent");
    hub.member(sales, agent.userId());
    ApiClient accountant = hub.user("accountant@merge.example", "agent");
    hub.member(finance, accountant.userId());
    // visibility is by membership for every role: the admin, too, only sees Sales
    hub.removeMember(finance, admin.userId());

    // Pat writes to Sales and to Finance; Kim and Lee only to Sales; Fay only to Finance
    IngestResult patSales = CustomerMessages.email(hub, salesDesk, "pat@customer.example", "Pat", "Order", "where is my order?");
    IngestResult patFinance = CustomerMessages.email(hub, financeDesk, "pat@customer.example", "Pat", "Invoice", "invoice 17 is wrong");
    assertThat(patFinance.contactId()).isEqualTo(patSales.contactId());
    long pat = patSales.contactId();
    long kim = CustomerMessages.email(hub, salesDesk, "kim@customer.example", "Kim", "Hi", "hello").contactId();
    long lee = CustomerMessages.email(hub, salesDesk, "lee@customer.example", "Lee", "Hi", "hello again").contactId();
    long fay = CustomerMessages.email(hub, financeDesk, "fay@customer.example", "Fay", "Refund", "my refund").contactId();
    long auditedBefore = merges().size();

    for (ApiClient who : List.of(agent, admin)) {
      Response away = who.post("/api/v1/contacts/" + kim + "/merge", new JsonObject().put("from_contact_id", pat));
      assertThat(away.status()).as(away.toString()).isEqualTo(409);
      assertThat(away.errorCode()).isEqualTo("conflict");
      assertThat(away.errorField()).isEqualTo("from_contact_id");
      assertThat(away.json().getJsonObject("error").getString("message")).contains("not a member");
      Response into = who.post("/api/v1/contacts/" + pat + "/merge", new JsonObject().put("from_contact_id", kim));
      assertThat(into.status()).as(into.toString()).isEqualTo(409);
      assertThat(into.json().getJsonObject("error").getString("message")).contains("not a member");

      assertThat(who.post("/api/v1/contacts/" + kim + "/merge", new JsonObject().put("from_contact_id", fay)).status()).isEqualTo(404);
      assertThat(who.post("/api/v1/contacts/" + fay + "/merge", new JsonObject().put("from_contact_id", kim)).status()).isEqualTo(404);
    }

    // nothing changed: Finance still sees its conversation with Pat, and Kim is still Kim
    JsonObject financeConversation = accountant.get("/api/v1/conversations/" + patFinance.conversationId()).expect(200).json();
    assertThat(financeConversation.getLong("contact_id")).isEqualTo(pat);
    assertThat(accountant.get("/api/v1/contacts/" + pat).expect(200).json().getString("email")).isEqualTo("pat@customer.example");
    assertThat(identities(agent.get("/api/v1/contacts/" + kim).expect(200).json())).containsExactly("email:kim@customer.example");
    assertThat(merges()).hasSize((int) auditedBefore);

    // what the agent sees whole, the agent merges
    JsonObject merged = agent.post("/api/v1/contacts/" + kim + "/merge", new JsonObject().put("from_contact_id", lee)).expect(200).json();
    assertThat(identities(merged)).containsExactlyInAnyOrder("email:kim@customer.example", "email:lee@customer.example");
    assertThat(agent.get("/api/v1/contacts/" + lee).status()).isEqualTo(404);
    JsonObject audit = merges().get(0);
    assertThat(audit.getLong("actor_id")).isEqualTo(agent.userId());
    assertThat(audit.getLong("target_id")).isEqualTo(kim);
    assertThat(audit.getJsonObject("data").getLong("from_contact_id")).isEqualTo(lee);
  }

  /** The audit log's contact.merged entries, newest first. */
  static List<JsonObject> merges() {
    return admin.get("/api/v1/audit?limit=200").expect(200).items().stream().map(o -> (JsonObject) o)
        .filter(o -> "contact.merged".equals(o.getString("action"))).toList();
  }

  @Test
  @DisplayName("messages arriving while their contact is merged away are all stored, in the kept contact's conversation")
  void messagesDuringMerge() throws Exception {
    long inbox = hub.inbox("Merge Race");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    JsonObject kept = hub.ingestApi(ep, "race-kept", "hello", "r-0").expect(200).json();
    JsonObject gone = hub.ingestApi(ep, "race-gone", "hello too", "r-1").expect(200).json();
    var ingest = hub.switchboard.ingest();
    List<java.util.concurrent.CompletableFuture<?>> arriving = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      arriving.add(ingest.ingest(io.switchboard.ingest.InboundMessage.builder("api", ep.getString("key"), "race-gone")
          .providerId("race-" + i).text("message " + i).build()).toCompletionStage().toCompletableFuture());
      if (i == 5) {
        admin.post("/api/v1/contacts/" + kept.getLong("contact_id") + "/merge",
            new JsonObject().put("from_contact_id", gone.getLong("contact_id"))).expect(200);
      }
    }
    for (var f : arriving) f.get(30, java.util.concurrent.TimeUnit.SECONDS);
    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery("""
        SELECT count(DISTINCT a.conversation_id), count(*), min(c.contact_id), max(c.contact_id)
        FROM activity a JOIN conversation c ON c.id = a.conversation_id
        WHERE a.endpoint_id = %d AND a.kind = 'message'""".formatted(ep.getLong("id")))) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
      assertThat(rs.getInt(2)).isEqualTo(22);
      assertThat(rs.getLong(3)).isEqualTo(kept.getLong("contact_id"));
      assertThat(rs.getLong(4)).isEqualTo(kept.getLong("contact_id"));
    }
  }
}
