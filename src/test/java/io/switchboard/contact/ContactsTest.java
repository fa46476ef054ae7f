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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class ContactsTest {

  static TestHub hub;
  static ApiClient admin;

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static List<Long> ids(Response r) {
    return r.items().stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }

  @Test
  @DisplayName("a customer who writes by SMS and then by e-mail appears as two contacts, each with its identity")
  void twoChannelsTwoContacts() {
    long inbox = hub.inbox("Two CustomerMessages");
    String phone = CustomerMessages.phoneEndpoint(hub, inbox, "+31 20 555 0101");
    String email = CustomerMessages.emailEndpoint(hub, inbox, "hello@two.example");
    IngestResult bySms = CustomerMessages.sms(hub, phone, "+31611110001", "Grace Hopper", "hi by text");
    IngestResult byMail = CustomerMessages.email(hub, email, "grace@navy.example", "Grace Hopper", "Hello", "hi by mail");
    assertThat(bySms.contactId()).isNotEqualTo(byMail.contactId());

    JsonObject smsContact = admin.get("/api/v1/contacts/" + bySms.contactId()).expect(200).json();
    assertThat(smsContact.getString("name")).isEqualTo("Grace Hopper");
    assertThat(smsContact.getString("phone")).isEqualTo("+31611110001");
    assertThat(smsContact.getJsonArray("identities").getJsonObject(0).getString("channel")).isEqualTo("phone");
    JsonObject mailContact = admin.get("/api/v1/contacts/" + byMail.contactId()).expect(200).json();
    assertThat(mailContact.getString("email")).isEqualTo("grace@navy.example");
    assertThat(mailContact.getJsonArray("identities").getJsonObject(0).getString("address")).isEqualTo("grace@navy.example");

    assertThat(ids(admin.get("/api/v1/contacts?q=" + q("grace hopper"))))
        .containsExactlyInAnyOrder(bySms.contactId(), byMail.contactId());
    JsonArray convs = admin.get("/api/v1/contacts/" + byMail.contactId() + "/conversations").expect(200).items();
    assertThat(convs).hasSize(1);
    assertThat(convs.getJsonObject(0).getString("channel")).isEqualTo("email");
  }

  @Test
  @DisplayName("search finds contacts by part of a name, e-mail, company or property value, and by phone typed any way")
  void searchIsTolerant() {
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "customer_code").put("label", "Customer code")
        .put("type", "text")).expect(201);
    long id = admin.post("/api/v1/contacts", new JsonObject().put("name", "Ada Lovelace").put("email", "Ada@Engines.example")
            .put("phone", "+31 6 1234 5678").put("company", "Analytical Engines").put("properties",
                new JsonObject().put("customer_code", "ZX-4411")))
        .expect(201).json().getLong("id");
    long other = admin.post("/api/v1/contacts", new JsonObject().put("name", "Charles Babbage").put("phone", "+44 20 7946 0958"))
        .expect(201).json().getLong("id");

    for (String query : List.of("lovel", "ada engines", "engines.example", "analytical", "zx-44", "+31 6 12", "0612345678",
        "06-1234", "31612345678", "0031 6 1234", "(06) 12 34")) {
      assertThat(ids(admin.get("/api/v1/contacts?q=" + q(query)).expect(200))).as(query).contains(id).doesNotContain(other);
    }
    assertThat(ids(admin.get("/api/v1/contacts?q=" + q("020 7946")))).containsExactly(other);
    assertThat(admin.get("/api/v1/contacts?q=" + q("nobody-like-this")).items()).isEmpty();
    // the user's own % and _ are literal
    assertThat(admin.get("/api/v1/contacts?q=%25").items()).isEmpty();
  }

  @Test
  @DisplayName("contacts page newest first with a cursor, and filter by blocked")
  void pagesAndFilters() {
    for (int i = 0; i < 5; i++) admin.post("/api/v1/contacts", new JsonObject().put("name", "Pager " + i)).expect(201);
    Response first = admin.get("/api/v1/contacts?q=pager&limit=3").expect(200);
    assertThat(first.items()).hasSize(3);
    assertThat(first.items().getJsonObject(0).getString("name")).isEqualTo("Pager 4");
    Response second = admin.get("/api/v1/contacts?q=pager&limit=3&cursor=" + first.json().getString("next_cursor")).expect(200);
    assertThat(second.items()).hasSize(2);
    assertThat(second.json().getString("next_cursor")).isNull();
    long blocked = admin.post("/api/v1/contacts", new JsonObject().put("name", "Pager Spam").put("blocked", true)).expect(201)
        .json().getLong("id");
    assertThat(ids(admin.get("/api/v1/contacts?q=pager&blocked=true"))).containsExactly(blocked);
    assertThat(admin.get("/api/v1/contacts?blocked=maybe").errorField()).isEqualTo("blocked");
  }

  @Test
  @DisplayName("editing a contact: fields, identities and properties change together; null clears; e-mail and phone become identities")
  void edit() {
    long id = admin.post("/api/v1/contacts", new JsonObject().put("name", "Edith").put("identities",
        new JsonArray().add(new JsonObject().put("channel", "api").put("address", "crm-77")))).expect(201).json().getLong("id");
    JsonObject edited = admin.patch("/api/v1/contacts/" + id, new JsonObject().put("email", "EDITH@Example.com")
        .put("phone", "+1 415 555 0142").put("company", "Acme")).expect(200).json();
    assertThat(edited.getString("email")).isEqualTo("edith@example.com");
    assertThat(edited.getString("phone")).isEqualTo("+14155550142");
    assertThat(edited.getJsonArray("identities").stream().map(o -> ((JsonObject) o).getString("channel") + ":"
        + ((JsonObject) o).getString("address")).toList())
        .containsExactly("api:crm-77", "email:edith@example.com", "phone:+14155550142");
    JsonObject cleared = admin.patch("/api/v1/contacts/" + id, new JsonObject().putNull("company")
        .put("identities", new JsonArray().add(new JsonObject().put("channel", "whatsapp").put("address", "+1 415 555 0142"))))
        .expect(200).json();
    assertThat(cleared.getString("company")).isNull();
    assertThat(cleared.getString("name")).isEqualTo("Edith");
    assertThat(cleared.getJsonArray("identities")).hasSize(1);
    assertThat(cleared.getJsonArray("identities").getJsonObject(0).getString("address")).isEqualTo("14155550142");

    // an address that is another contact's: 409 naming the field, nothing applied
    long other = admin.post("/api/v1/contacts", new JsonObject().put("name", "Other").put("email", "taken@example.com"))
        .expect(201).json().getLong("id");
    Response taken = admin.patch("/api/v1/contacts/" + id, new JsonObject().put("name", "Renamed").put("email", "taken@example.com"));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.errorField()).isEqualTo("email");
    assertThat(admin.get("/api/v1/contacts/" + id).json().getString("name")).isEqualTo("Edith");
    assertThat(admin.get("/api/v1/contacts/" + other).json().getString("email")).isEqualTo("taken@example.com");

    Response badEmail = admin.post("/api/v1/contacts", new JsonObject().put("email", "not-an-address"));
    assertThat(badEmail.errorField()).isEqualTo("email");
    Response badIdentity = admin.post("/api/v1/contacts", new JsonObject().put("identities",
        new JsonArray().add(new JsonObject().put("channel", "fax").put("address", "1"))));
    assertThat(badIdentity.errorField()).isEqualTo("identities[0].channel");
    Response longName = admin.post("/api/v1/contacts", new JsonObject().put("name", "x".repeat(201)));
    assertThat(longName.status()).isEqualTo(400);
    assertThat(longName.errorField()).isEqualTo("name");
  }

  @Test
  @DisplayName("property values are checked by type, unknown keys refused, null removes, and a rename keeps the values")
  void properties() throws Exception {
    long age = admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "age").put("label", "Age")
        .put("type", "number").put("position", 20)).expect(201).json().getLong("id");
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "birthday").put("label", "Birthday")
        .put("type", "date").put("position", 30)).expect(201);
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "vip").put("label", "VIP")
        .put("type", "boolean").put("position", 10)).expect(201);
    long id = admin.post("/api/v1/contacts", new JsonObject().put("name", "Typed").put("properties",
        new JsonObject().put("age", 41).put("birthday", "1985-03-01").put("vip", true))).expect(201).json().getLong("id");

    for (Object[] bad : new Object[][] {{"age", "abc"}, {"birthday", "2026-13-40"}, {"birthday", "2026-02-30"}, {"vip", "yes"},
        {"shoe_size", 42}}) {
      Response r = admin.patch("/api/v1/contacts/" + id, new JsonObject().put("name", "Changed")
          .put("properties", new JsonObject().put((String) bad[0], bad[1])));
      assertThat(r.status()).as(bad[0] + "=" + bad[1]).isEqualTo(400);
      assertThat(r.errorField()).isEqualTo("properties." + bad[0]);
    }
    // nothing of those requests was applied
    JsonObject contact = admin.get("/api/v1/contacts/" + id).json();
    assertThat(contact.getString("name")).isEqualTo("Typed");
    assertThat(contact.getJsonObject("properties").getMap()).containsEntry("age", 41).containsEntry("birthday", "1985-03-01");
    // listed in the definitions' order (position), not the order they were sent in
    assertThat(contact.getJsonObject("properties").fieldNames()).containsExactly("vip", "age", "birthday");

    admin.patch("/api/v1/contacts/" + id, new JsonObject().put("properties", new JsonObject().put("age", "42.5").putNull("vip")))
        .expect(200);
    admin.patch("/api/v1/properties/" + age, new JsonObject().put("key", "age_years").put("label", "Age (years)")).expect(200);
    JsonObject after = admin.get("/api/v1/contacts/" + id).json().getJsonObject("properties");
    assertThat(after.getMap()).containsEntry("age_years", 42.5).doesNotContainKey("vip").doesNotContainKey("age");
    Response changeType = admin.patch("/api/v1/properties/" + age, new JsonObject().put("type", "text"));
    assertThat(changeType.status()).isEqualTo(409);
    assertThat(changeType.errorField()).isEqualTo("type");

    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery(
        "SELECT count(*) FROM contact_property WHERE contact_id = " + id)) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
    admin.delete("/api/v1/properties/" + age).expect(204);
    assertThat(admin.get("/api/v1/contacts/" + id).json().getJsonObject("properties").fieldNames()).containsExactly("birthday");
  }

  @Test
  @DisplayName("defining properties needs settings.manage; keys are snake_case and unique per scope")
  void definitions() {
    ApiClient agent = hub.user("definer@example.com", "agent");
    JsonObject def = new JsonObject().put("scope", "profile").put("key", "tier").put("label", "Tier").put("type", "text");
    assertThat(agent.post("/api/v1/properties", def).status()).isEqualTo(403);
    admin.post("/api/v1/properties", def).expect(201);
    assertThat(admin.post("/api/v1/properties", def).errorField()).isEqualTo("key");
    assertThat(admin.post("/api/v1/properties", def.copy().put("key", "Tier Level")).errorField()).isEqualTo("key");
    assertThat(admin.post("/api/v1/properties", def.copy().put("key", "x").put("type", "money")).errorField()).isEqualTo("type");
    assertThat(admin.post("/api/v1/properties", def.copy().put("key", "y").put("scope", "deal")).errorField()).isEqualTo("scope");
    JsonArray seen = agent.get("/api/v1/properties?scope=profile").expect(200).items();
    assertThat(seen.stream().map(o -> ((JsonObject) o).getString("key")).toList()).contains("tier");
    assertThat(hub.admin().get("/api/v1/audit").items().stream()
        .anyMatch(o -> "property.created".equals(((JsonObject) o).getString("action")))).isTrue();
  }

  @Test
  @DisplayName("a blocked contact's messages are still stored, but reopen nothing; blocking is a contact update")
  void blocking() {
    long inbox = hub.inbox("Blocking");
    String phone = CustomerMessages.phoneEndpoint(hub, inbox, "+31 20 555 0102");
    IngestResult first = CustomerMessages.sms(hub, phone, "+31611110002", "Spammer", "buy now");
    admin.patch("/api/v1/conversations/" + first.conversationId(), new JsonObject().put("status", "resolved")).expect(200);
    assertThat(admin.patch("/api/v1/contacts/" + first.contactId(), new JsonObject().put("blocked", true)).expect(200)
        .json().getBoolean("blocked")).isTrue();
    CustomerMessages.sms(hub, phone, "+31611110002", "Spammer", "buy now again");
    JsonObject conv = admin.get("/api/v1/conversations/" + first.conversationId()).expect(200).json();
    assertThat(conv.getString("status")).isEqualTo("resolved");
    assertThat(admin.get("/api/v1/conversations/" + first.conversationId() + "/activities?kind=message").items()).hasSize(2);
    assertThat(admin.patch("/api/v1/contacts/" + first.contactId(), new JsonObject().putNull("blocked")).errorField()).isEqualTo("blocked");
  }

  @Test
  @DisplayName("deleting a contact deletes its conversations, is audited, and is refused while some are in inboxes one cannot see")
  void delete() {
    long mine = hub.inbox("Delete Mine");
    long theirs = hub.inbox("Delete Theirs");
    String a = CustomerMessages.phoneEndpoint(hub, mine, "+31 20 555 0103");
    String b = CustomerMessages.emailEndpoint(hub, theirs, "theirs@delete.example");
    IngestResult sms = CustomerMessages.sms(hub, a, "+31611110003", "Two Places", "hi");
    ApiClient agent = hub.user("deleter@example.com", "agent");
    hub.member(mine, agent.userId());
    // a second contact with conversations in both inboxes (merged), and the agent only in one
    IngestResult mail = CustomerMessages.email(hub, b, "two@places.example", "Two Places", "s", "hi");
    admin.post("/api/v1/contacts/" + sms.contactId() + "/merge", new JsonObject().put("from_contact_id", mail.contactId())).expect(200);
    Response refused = agent.delete("/api/v1/contacts/" + sms.contactId());
    assertThat(refused.status()).isEqualTo(409);
    admin.delete("/api/v1/contacts/" + sms.contactId()).expect(204);
    assertThat(admin.get("/api/v1/contacts/" + sms.contactId()).status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/conversations/" + sms.conversationId()).status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/audit").items().stream()
        .anyMatch(o -> "contact.deleted".equals(((JsonObject) o).getString("action")))).isTrue();
  }
}
