package io.switchboard.contact;

import io.switchboard.ingest.IngestResult;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class ProfilesTest {

  static TestHub hub;
  static ApiClient admin;

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
  }

  static List<Long> ids(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }

  @Test
  @DisplayName("a profile's moments show the conversations of all its contacts to a member of both inboxes, and one to a member of one")
  void momentsFollowMembership() {
    long sms = hub.inbox("Moments SMS");
    long mail = hub.inbox("Moments Mail");
    String phone = CustomerMessages.phoneEndpoint(hub, sms, "+31 20 555 0201");
    String email = CustomerMessages.emailEndpoint(hub, mail, "shop@moments.example");
    IngestResult text = CustomerMessages.sms(hub, phone, "+31622220001", "Ada Lovelace", "where is my order?");
    IngestResult letter = CustomerMessages.emailWithFile(hub, email, "ada@moments.example", "Ada Lovelace", "invoice.pdf", "%PDF-1.4 bytes");
    assertThat(text.contactId()).isNotEqualTo(letter.contactId());

    long profile = admin.post("/api/v1/profiles", new JsonObject().put("name", "Ada (customer)")).expect(201).json().getLong("id");
    admin.put("/api/v1/profiles/" + profile + "/contacts/" + text.contactId()).expect(200);
    JsonObject full = admin.put("/api/v1/profiles/" + profile + "/contacts/" + letter.contactId()).expect(200).json();
    assertThat(full.getJsonArray("contacts")).hasSize(2);
    assertThat(full.getJsonObject("contacts_by_channel").fieldNames()).containsExactlyInAnyOrder("phone", "email");

    ApiClient both = hub.user("both@moments.example", "agent");
    hub.member(sms, both.userId());
    hub.member(mail, both.userId());
    ApiClient one = hub.user("one@moments.example", "agent");
    hub.member(sms, one.userId());

    JsonArray all = both.get("/api/v1/profiles/" + profile + "/moments").expect(200).items();
    // newest first: the e-mail came last
    assertThat(ids(all)).containsExactly(letter.conversationId(), text.conversationId());
    assertThat(all.getJsonObject(0).getString("channel")).isEqualTo("email");
    JsonArray mine = one.get("/api/v1/profiles/" + profile + "/moments").expect(200).items();
    assertThat(ids(mine)).containsExactly(text.conversationId());

    JsonArray files = both.get("/api/v1/profiles/" + profile + "/attachments").expect(200).items();
    assertThat(files).hasSize(1);
    assertThat(files.getJsonObject(0).getString("filename")).isEqualTo("invoice.pdf");
    assertThat(files.getJsonObject(0).getLong("conversation_id")).isEqualTo(letter.conversationId());
    assertThat(one.get("/api/v1/profiles/" + profile + "/attachments").expect(200).items()).isEmpty();

    // the member of one inbox sees the profile with only the contact they could see anyway
    JsonObject seen = one.get("/api/v1/profiles/" + profile).expect(200).json();
    assertThat(ids(seen.getJsonArray("contacts"))).containsExactly(text.contactId());
    assertThat(seen.getJsonObject("contacts_by_channel").fieldNames()).containsExactly("phone");
    assertThat(seen.getInteger("contact_count")).isEqualTo(1);
    assertThat(seen.encode()).doesNotContain("ada@moments.example");

    // moments page with a cursor
    Response page1 = both.get("/api/v1/profiles/" + profile + "/moments?limit=1").expect(200);
    assertThat(ids(page1.items())).containsExactly(letter.conversationId());
    Response page2 = both.get("/api/v1/profiles/" + profile + "/moments?limit=1&cursor=" + page1.json().getString("next_cursor"));
    assertThat(ids(page2.items())).containsExactly(text.conversationId());
    assertThat(page2.json().getString("next_cursor")).isNull();
  }

  @Test
  @DisplayName("profiles: create with properties, search, rename, attach from a conversation, detach, delete for good keeping contacts")
  void lifecycle() {
    admin.post("/api/v1/properties", new JsonObject().put("scope", "profile").put("key", "plan").put("label", "Plan").put("type", "text"))
        .expect(201);
    admin.post("/api/v1/properties", new JsonObject().put("scope", "profile").put("key", "seats").put("label", "Seats").put("type", "number"))
        .expect(201);
    long inbox = hub.inbox("Profiles Life");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    long conv = hub.ingestApi(ep, "acme-buyer", "we want 20 seats", "m-1").expect(200).json().getLong("conversation_id");
    long contact = admin.get("/api/v1/conversations/" + conv).json().getLong("contact_id");

    Response bad = admin.post("/api/v1/profiles", new JsonObject().put("name", "Acme").put("properties", new JsonObject().put("seats", "many")));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorField()).isEqualTo("properties.seats");
    Response unknown = admin.post("/api/v1/profiles", new JsonObject().put("name", "Acme").put("properties", new JsonObject().put("age", 3)));
    assertThat(unknown.errorField()).isEqualTo("properties.age");
    assertThat(admin.get("/api/v1/profiles?q=acme").items()).isEmpty(); // nothing half-made

    // "attach profile" from the conversation: create one on the spot
    Response created = admin.post("/api/v1/conversations/" + conv + "/profile", new JsonObject().put("name", "Acme Corp"));
    assertThat(created.status()).isEqualTo(201);
    long acme = created.json().getLong("id");
    assertThat(ids(created.json().getJsonArray("contacts"))).containsExactly(contact);
    assertThat(admin.get("/api/v1/contacts/" + contact).json().getJsonArray("profiles").getJsonObject(0).getString("name"))
        .isEqualTo("Acme Corp");
    // or pick an existing one; attaching twice is a conflict naming the field
    Response twice = admin.post("/api/v1/conversations/" + conv + "/profile", new JsonObject().put("profile_id", acme));
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.errorField()).isEqualTo("profile_id");
    Response twicePut = admin.put("/api/v1/profiles/" + acme + "/contacts/" + contact);
    assertThat(twicePut.status()).isEqualTo(409);
    assertThat(twicePut.errorField()).isEqualTo("contact_id");
    long other = admin.post("/api/v1/profiles", new JsonObject().put("name", "Household")).expect(201).json().getLong("id");
    assertThat(admin.post("/api/v1/conversations/" + conv + "/profile", new JsonObject().put("profile_id", other)).status())
        .isEqualTo(200);
    assertThat(admin.post("/api/v1/conversations/" + conv + "/profile", new JsonObject()).errorField()).isEqualTo("profile_id");

    JsonObject renamed = admin.patch("/api/v1/profiles/" + acme, new JsonObject().put("name", "Acme Corporation")
        .put("properties", new JsonObject().put("plan", "Enterprise").put("seats", 20))).expect(200).json();
    assertThat(renamed.getString("name")).isEqualTo("Acme Corporation");
    assertThat(renamed.getJsonObject("properties").getMap()).containsEntry("plan", "Enterprise").containsEntry("seats", 20);

    assertThat(ids(admin.get("/api/v1/profiles?q=corporation").items())).containsExactly(acme);
    assertThat(ids(admin.get("/api/v1/profiles?q=enterprise").items())).containsExactly(acme);
    // through a member contact: its identity
    assertThat(ids(admin.get("/api/v1/profiles?q=acme-buyer").items())).containsExactlyInAnyOrder(acme, other);
    // paging by name: every profile once, in order
    List<String> names = new java.util.ArrayList<>();
    String cursor = "";
    do {
      Response page = admin.get("/api/v1/profiles?limit=1" + (cursor.isEmpty() ? "" : "&cursor=" + cursor)).expect(200);
      page.items().forEach(o -> names.add(((JsonObject) o).getString("name")));
      cursor = page.json().getString("next_cursor") == null ? "" : page.json().getString("next_cursor");
    } while (!cursor.isEmpty());
    assertThat(names).containsSubsequence("Acme Corporation", "Household").doesNotHaveDuplicates();
    assertThat(names).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);

    admin.delete("/api/v1/profiles/" + acme + "/contacts/" + contact).expect(204);
    assertThat(admin.delete("/api/v1/profiles/" + acme + "/contacts/" + contact).status()).isEqualTo(404);
    admin.delete("/api/v1/profiles/" + other).expect(204);
    assertThat(admin.get("/api/v1/profiles/" + other).status()).isEqualTo(404);
    JsonObject kept = admin.get("/api/v1/contacts/" + contact).expect(200).json();
    assertThat(kept.getJsonArray("profiles")).isEmpty();
    assertThat(admin.get("/api/v1/conversations/" + conv).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("profile notes keep author and time, newest first; over the size limit is a 400 naming text; only the author deletes")
  void notes() {
    long profile = admin.post("/api/v1/profiles", new JsonObject().put("name", "Noted")).expect(201).json().getLong("id");
    JsonObject note = admin.post("/api/v1/profiles/" + profile + "/notes", new JsonObject().put("text", "Prefers e-mail")).expect(201).json();
    assertThat(note.getJsonObject("author").getString("name")).isEqualTo(admin.user.getString("name"));
    assertThat(note.getString("created_at")).isNotNull();
    admin.post("/api/v1/profiles/" + profile + "/notes", new JsonObject().put("text", "Renewal in May")).expect(201);
    JsonArray notes = admin.get("/api/v1/profiles/" + profile + "/notes").expect(200).items();
    assertThat(notes.stream().map(o -> ((JsonObject) o).getString("text")).toList()).containsExactly("Renewal in May", "Prefers e-mail");

    Response tooLong = admin.post("/api/v1/profiles/" + profile + "/notes", new JsonObject().put("text", "x".repeat(5001)));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.errorField()).isEqualTo("text");
    assertThat(admin.get("/api/v1/profiles/" + profile + "/notes").items()).hasSize(2);

    ApiClient supervisor = hub.user("sup@notes.example", "supervisor");
    // an empty profile is visible to everyone who manages contacts
    supervisor.get("/api/v1/profiles/" + profile + "/notes").expect(200);
    assertThat(supervisor.delete("/api/v1/profiles/" + profile + "/notes/" + note.getLong("id")).status()).isEqualTo(403);
    admin.delete("/api/v1/profiles/" + profile + "/notes/" + note.getLong("id")).expect(204);

    // contact notes work the same way
    long contact = admin.post("/api/v1/contacts", new JsonObject().put("name", "Noted Person")).expect(201).json().getLong("id");
    admin.post("/api/v1/contacts/" + contact + "/notes", new JsonObject().put("text", "Met at the fair")).expect(201);
    assertThat(admin.get("/api/v1/contacts/" + contact + "/notes").items()).hasSize(1);
  }
}
